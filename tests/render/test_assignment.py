"""Assignment notebooks rendered from the bank."""

import json

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.criteria import criterion_cell
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


def test_reflections_are_graded_per_rubric_criterion_after_every_choice(project: Course) -> None:
    """A reflection has one markdown task cell per rubric criterion, worth its points; reflections come last."""
    bank, assignment, notebook = _foundations(project)
    tasks = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("task")]
    reflections = [item for item in assignment.items if not bank[item].kind.is_choice]
    expected = [(criterion_cell(item, n), criterion.points) for item in reflections
                for n, criterion in enumerate(bank[item].rubric, start=1)]
    assert [(c.metadata.nbgrader["grade_id"], c.metadata.nbgrader["points"]) for c in tasks] == expected
    assert all(c.cell_type == "markdown" and c.metadata.nbgrader["locked"] for c in tasks)
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


def test_a_case_set_prints_its_scenario_once_and_numbers_its_parts(project: Course) -> None:
    """The first part shows the scenario and says the case has linked questions; a later part's question is its
    widget's, drawn once the part before it is answered, and answering it makes the part before final."""
    from dataclasses import replace

    from trainingkit.assignments import Assignment, FeedbackMode

    bank = load_bank(project.bank_dir)
    base = bank["scope-001"]
    parts = {f"scope-91{n}": replace(base, id=f"scope-91{n}", question=f"Question {n}?", case="case-scope-09",
                                     part=n, parts=2) for n in (1, 2)}
    bank = {**bank, **parts}
    assignment = Assignment(id="a-case", title="T", feedback=FeedbackMode.PRACTICE, items=tuple(parts))
    cells = {cell.id: cell.source for cell in render_assignment(assignment, bank).cells}
    first, second = cells["scope-911-scenario"], cells["scope-912-scenario"]
    scenario = base.scenario.strip()[:60]
    assert "(part 1 of 2)" in first and "linked questions" in first and scenario in first
    assert "(part 2 of 2)" in second and "same case" in second and scenario not in second
    assert "Question 2?" not in second and "appears below once you have answered part 1" in second
    assert 'follows="scope-911"' in cells["scope-912-answer"] and '"Question 2?"' in cells["scope-912-answer"]
    assert "question_shown=True" in cells["scope-912-answer"]
    assert 'followed_by="scope-912"' in cells["scope-911-answer"] and "follows=" not in cells["scope-911-answer"]


def test_an_analytic_rubric_shows_every_level_to_the_supervisor(project: Course) -> None:
    """A reflection's rubric lists each criterion's levels with their points, for the formgrader."""
    bank = load_bank(project.bank_dir)
    reflection = next(v for v in bank.values() if v.rubric and v.rubric[0].levels)
    from trainingkit.assignments import Assignment, FeedbackMode

    notebook = render_assignment(Assignment("a-r", "T", FeedbackMode.PRACTICE, (reflection.id,)), bank)
    for number, criterion in enumerate(reflection.rubric, start=1):
        (rubric,) = [cell.source for cell in notebook.cells if cell.id == criterion_cell(reflection.id, number)]
        assert criterion.criterion in rubric and "Levels:" in rubric
        for level in criterion.levels:
            assert f"**{level.points:g}:** {level.description}" in rubric


def test_an_assignment_without_reflections_does_not_mention_them(project: Course) -> None:
    """A choices-only assignment's welcome counts only its vignettes (no "0 short written reflections")."""
    from trainingkit.assignments import Assignment, FeedbackMode

    bank = load_bank(project.bank_dir)
    choices = tuple(v.id for v in bank.values() if v.kind.is_choice)[:3]
    welcome = render_assignment(Assignment("a-c", "T", FeedbackMode.REVIEW, choices), bank).cells[0].source
    assert "3 case vignettes to answer by choosing." in welcome and "reflection" not in welcome


def test_the_welcome_is_left_out_of_the_letter_and_asks_no_save(project: Course) -> None:
    """How to answer says answers save themselves, and both welcome cells are tagged to stay out of feedback."""
    from trainingkit.render.cells import NOT_IN_LETTER

    _, _, notebook = _foundations(project)
    welcome = [cell for cell in notebook.cells if NOT_IN_LETTER in cell.metadata.get("tags", [])]
    assert [cell.id for cell in welcome] == ["welcome", "how-to-answer"]
    assert "save the notebook" not in welcome[1].source and "nothing to save first" in welcome[1].source
