"""The autorun JupyterLab extension: what it looks for is what `trainingkit build` writes, and it is installed."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import nbformat

from tests.conftest import PROJECT
from trainingkit.course import Course
from trainingkit.hub.roles import AUTORUN_PLUGIN

SOURCE = PROJECT / "labextension"
BUILT = PROJECT / "src" / "trainingkit" / "labextension"
BUILD_IT = "run `make setup` (it builds labextension/ with npm)"


def _constant(name: str) -> str:
    found = re.search(rf"const {name} = '([^']+)';", (SOURCE / "src" / "index.ts").read_text())
    assert found, name
    return found.group(1)


def _trainee_notebooks(course: Course) -> list[Path]:
    return sorted([*course.notebooks_dir.glob("[0-9][0-9]-*.ipynb"), *course.source_dir.glob("*/*.ipynb")])


def test_every_lesson_and_assignment_carries_the_marker_and_tag_the_extension_runs() -> None:
    """Each lesson and assignment notebook has the notebook marker, and its widget cells the tag."""
    course = Course(PROJECT)
    marker, tag = _constant("NOTEBOOK_KEY"), _constant("WIDGET_TAG")
    notebooks = _trainee_notebooks(course)
    assert len(notebooks) >= 12
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        assert isinstance(notebook.metadata.get(marker), dict), path
        tagged = [cell for cell in notebook.cells if tag in cell.metadata.get("tags", [])]
        assert tagged and all(cell.cell_type == "code" for cell in tagged), path


def test_the_supervisor_dashboard_is_not_run_by_itself() -> None:
    """The supervisors' dashboard has no trainingkit marker, so opening it runs nothing."""
    notebook = nbformat.read(PROJECT / "notebooks" / "supervisor" / "dashboard.ipynb", as_version=4)
    assert _constant("NOTEBOOK_KEY") not in notebook.metadata


def test_the_plugin_switched_off_for_the_grader_is_the_extensions_plugin() -> None:
    """The hub's grader view disables the plugin id the extension declares."""
    name = json.loads((SOURCE / "package.json").read_text())["name"]
    assert re.search(r"id: '([^']+)'", (SOURCE / "src" / "index.ts").read_text()).group(1) == AUTORUN_PLUGIN
    assert AUTORUN_PLUGIN == f"{name}:plugin"


def test_the_built_extension_is_where_this_environments_jupyterlab_finds_it() -> None:
    """The venv's share/jupyter/labextensions holds the built extension and the file it loads first."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@trainingkit" / "autorun"
    assert (installed / "package.json").is_file(), BUILD_IT
    load = json.loads((installed / "package.json").read_text())["jupyterlab"]["_build"]["load"]
    assert (installed / load).is_file(), BUILD_IT


def test_the_wheel_carries_every_built_file_as_jupyterlab_data() -> None:
    """pyproject's data-files put the built package.json and every static file under share/jupyter."""
    data_files = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    shipped = {file for patterns in data_files.values() for pattern in patterns for file in PROJECT.glob(pattern)}
    built = {file for file in BUILT.rglob("*") if file.is_file()}
    assert built, BUILD_IT
    assert built == shipped
    assert data_files["share/jupyter/labextensions/@trainingkit/autorun/static"] == [
        "src/trainingkit/labextension/static/*"]
