"""Assignment notebooks rendered from the bank."""

import json

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.render import notebook_bytes, render_assignment


def _foundations(project: Course):
    bank = load_bank(project.bank_dir)
    assignment = load_assignments(project.assignments_file, bank)["practice-foundations"]
    return bank, assignment, render_assignment(assignment, bank)


def test_rendering_twice_gives_the_same_bytes(project: Course) -> None:
    """Rendering is deterministic: the same bank gives byte-identical notebooks."""
    bank, assignment, notebook = _foundations(project)
    assert notebook_bytes(notebook) == notebook_bytes(render_assignment(assignment, bank))


def test_every_choice_item_is_a_locked_graded_cell_named_by_its_id(project: Course) -> None:
    """Each choice vignette has one locked, autograded cell whose grade_id is the vignette id."""
    bank, assignment, notebook = _foundations(project)
    graded = {c.metadata.nbgrader["grade_id"]: c for c in notebook.cells
              if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    choices = {item for item in assignment.items if bank[item].kind.is_choice}
    assert set(graded) == choices
    for item, cell in graded.items():
        assert cell.metadata.nbgrader["locked"] and not cell.metadata.nbgrader["solution"]
        assert cell.metadata.nbgrader["points"] == bank[item].points
        assert cell.metadata.jupyter["source_hidden"]


def test_reflections_are_task_cells_after_every_choice(project: Course) -> None:
    """A reflection is graded in a markdown task cell, and reflections come after all choices."""
    bank, assignment, notebook = _foundations(project)
    tasks = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("task")]
    reflections = [item for item in assignment.items if not bank[item].kind.is_choice]
    assert [c.metadata.nbgrader["grade_id"] for c in tasks] == reflections
    last_choice = max(i for i, c in enumerate(notebook.cells)
                      if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")
    assert all(notebook.cells.index(task) > last_choice for task in tasks)


def test_no_key_or_option_feedback_is_in_the_notebook(project: Course) -> None:
    """The source notebook holds options but no key, rationale or per-option feedback."""
    bank, assignment, notebook = _foundations(project)
    text = json.dumps(notebook)
    for item in assignment.items:
        vignette = bank[item]
        assert vignette.rationale not in text
        for option in vignette.options:
            assert json.dumps(option.feedback)[1:-1] not in text


def test_a_content_note_comes_before_a_hidden_scenario(project: Course) -> None:
    """A vignette with a content note shows the note first and the scenario only on request."""
    bank, assignment, notebook = _foundations(project)
    noted = [item for item in assignment.items if bank[item].content_notes]
    assert noted, "the foundations assignment should include a vignette with a content note"
    for item in noted:
        (cell,) = [c for c in notebook.cells if c.get("id") == f"{item}-scenario"]
        note = cell.source.index("Content note")
        assert note < cell.source.index("<details>") < cell.source.index(bank[item].scenario.strip()[:40])
