"""The supervisor dashboard notebook: hidden code, one visible switch, no stored outputs."""

from __future__ import annotations

import nbformat

from trainingkit.course import Course


def _dashboard(project: Course) -> nbformat.NotebookNode:
    return nbformat.read(project.notebooks_dir / "supervisor" / "dashboard.ipynb", as_version=4)


def test_only_the_settings_cell_shows_its_code(project: Course) -> None:
    """Every code cell but the settings (the pseudonymise switch) has its input hidden."""
    code = [cell for cell in _dashboard(project).cells if cell.cell_type == "code"]
    visible = [cell.id for cell in code if not cell.metadata.get("jupyter", {}).get("source_hidden")]
    assert visible == ["settings"]
    assert "PSEUDONYMISE = False" in code[0].source  # names as they are unless asked (README)


def test_the_stored_notebook_holds_no_outputs(project: Course) -> None:
    """No plot, table or name is stored in the notebook file; every run draws from the data."""
    notebook = _dashboard(project)
    assert all(not cell.get("outputs") and cell.get("execution_count") is None
               for cell in notebook.cells if cell.cell_type == "code")
