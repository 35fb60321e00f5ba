"""The formgrader's lists speak the course's words: points lost on a choice, chosen answers and reflections."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from nbgrader.server_extensions.formgrader import handlers

from trainingkit.grading.formgrader import SERVER_EXTENSION, Reworded, _load_jupyter_server_extension

LISTS = ("gradebook_notebook_submissions.tpl", "manage_students_notebook_submissions.tpl")
SCORE_LISTS = (*LISTS, "gradebook_notebooks.tpl", "manage_students_assignments.tpl")


def test_nbgrader_templates_still_carry_the_headings_we_reword() -> None:
    """nbgrader's own templates hold the 'Tests failed' headings (so the rewording has work to do)."""
    for name in LISTS:
        source = (Path(handlers.template_path) / name).read_text()
        assert "<th class=\"text-center\">Tests " in source, name


def test_the_reworded_lists_name_points_lost_and_no_tests() -> None:
    environment = Environment(loader=Reworded(FileSystemLoader([handlers.template_path])))
    for name in LISTS:
        source, _, _ = environment.loader.get_source(environment, name)
        assert "Tests failed" not in source.lower() and "Points lost on a choice?" in source, name


def test_the_reworded_lists_name_chosen_answers_and_reflections_not_code_or_tasks() -> None:
    """No list says Code, Written or Task Score or Needs Manual Grade: chosen answers and reflections instead."""
    environment = Environment(loader=Reworded(FileSystemLoader([handlers.template_path])))
    for name in SCORE_LISTS:
        source, _, _ = environment.loader.get_source(environment, name)
        for theirs in ("Code Score", "Written Score", "Task Score", "anual Grade?", "anual grade?"):
            assert theirs not in source, (name, theirs)
        assert "chosen answers" in source.lower() and "reflections (rubric criteria)" in source.lower(), name


class _Server:
    class log:  # noqa: N801 - stands in for the server's logger
        @staticmethod
        def info(*_: object) -> None: ...

        @staticmethod
        def debug(*_: object) -> None: ...

    def __init__(self, settings: dict) -> None:
        self.web_app = type("WebApp", (), {"settings": settings})()


def test_loading_the_extension_twice_rewords_once_and_a_server_without_formgrader_is_untouched() -> None:
    environment = Environment(loader=FileSystemLoader([handlers.template_path]))
    server = _Server({"nbgrader_jinja2_env": environment})
    _load_jupyter_server_extension(server)
    _load_jupyter_server_extension(server)
    assert isinstance(environment.loader, Reworded) and not isinstance(environment.loader.inner, Reworded)
    bare = _Server({})
    _load_jupyter_server_extension(bare)
    assert bare.web_app.settings == {}


def test_make_lab_switches_the_extension_on(course_copy, tmp_path: Path) -> None:
    from trainingkit.lab import write_jupyter_config

    env = write_jupyter_config(course_copy, tmp_path / "jupyter")
    server = json.loads((Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"][SERVER_EXTENSION] is True


def test_the_grading_page_names_every_box_a_supervisor_fills_in_by_its_item() -> None:
    """With the course's formgrade template, each score, extra-credit and comment box carries a label naming its item."""
    import re

    import nbformat
    import nbgrader
    from nbconvert import HTMLExporter

    from trainingkit.grading import config

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    exporter = HTMLExporter(template_name="trainingkit-formgrade",
                            extra_template_basedirs=[str(formgrader / "templates"),
                                                     str(Path(config.__file__).with_name("templates"))],
                            extra_template_paths=[str(formgrader / "templates")])
    graded = {"grade": True, "solution": True, "grade_id": "refl-001", "points": 2, "schema_version": 3}
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("My reflection", metadata={"nbgrader": graded}),
        nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {**graded, "solution": False, "grade_id": "code-1",
                                                                    "points": 1}})])
    page, _ = exporter.from_notebook_node(notebook, resources={"base_url": "", "index": 0, "total": 1})
    boxes = re.findall(r"<(?:input|textarea)[^>]*>", page)
    assert len(boxes) == 5 and all("aria-label=" in box for box in boxes), boxes
    assert '<input aria-label="Score for refl-001, out of 2.0" class="score tabbable"' in page
    assert 'aria-label="Comment on refl-001"' in page and 'aria-label="Extra credit for code-1"' in page
