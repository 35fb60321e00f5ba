"""The graded notebook: the source notebook, with results written from the answers alone."""

from __future__ import annotations

import nbformat
import pytest

from trainingkit.answers import MAX_REFLECTION_CHARS, Answer
from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.grading.graded import Submission, graded_notebook
from trainingkit.grading.preprocessors import MISSING, UNREADABLE, clear_submitted_files, read_submission
from trainingkit.scoring import score_choice

ASSIGNMENT = "practice-foundations"


@pytest.fixture(scope="module")
def material(project: Course):
    bank = load_bank(project.bank_dir)
    assignment = load_assignments(project.assignments_file, bank)[ASSIGNMENT]
    source = nbformat.read(project.source_notebook(ASSIGNMENT), as_version=4)
    return bank, assignment, source


def _answers(values: dict) -> Submission:
    return Submission({key: Answer(key, value, "") for key, value in values.items()})


def _outputs(notebook, cell_id: str):
    return next(cell for cell in notebook.cells if cell.get("id") == cell_id).outputs


def test_each_choice_cell_outputs_the_score_its_answer_earns(material) -> None:
    """A choice cell's output is the number nbgrader saves: the score of the recorded answer."""
    bank, assignment, source = material
    choice = next(v for v in assignment.vignettes(bank) if v.kind.is_choice)
    answer = next(iter(choice.key)) if choice.kind.value == "single" else sorted(choice.key)
    graded = graded_notebook(source, bank=bank, assignment=assignment, submission=_answers({choice.id: answer}))
    (output,) = _outputs(graded, f"{choice.id}-answer")
    assert float(output.data["text/plain"]) == score_choice(choice, answer).earned == choice.points


def test_the_graded_notebook_has_the_source_cells_and_leaves_the_source_untouched(material) -> None:
    """Cells, sources and metadata are the source notebook's; the source itself gets no output."""
    bank, assignment, source = material
    graded = graded_notebook(source, bank=bank, assignment=assignment, submission=_answers({}))
    assert [(c.cell_type, c.source, c.metadata) for c in graded.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in source.cells]
    assert all(not cell.get("outputs") for cell in source.cells)


def test_a_reflection_is_escaped_and_a_long_one_marked_as_cut(material) -> None:
    """Reflection text is shown as characters, never as HTML, and one at the limit says it was cut."""
    bank, assignment, source = material
    reflection = next(v for v in assignment.vignettes(bank) if not v.kind.is_choice)
    text = "<script>alert(1)</script>" + "a" * MAX_REFLECTION_CHARS
    graded = graded_notebook(source, bank=bank, assignment=assignment,
                             submission=_answers({reflection.id: text}))
    (output,) = _outputs(graded, f"{reflection.id}-answer")
    assert "<script>" not in output.data["text/html"] and "&lt;script&gt;" in output.data["text/html"]
    assert "length limit" in output.data["text/plain"]


def test_the_summary_carries_the_reason_no_answer_was_read(material) -> None:
    """When the answers could not be read, the summary says so."""
    bank, assignment, source = material
    graded = graded_notebook(source, bank=bank, assignment=assignment, submission=Submission({}, UNREADABLE))
    (output,) = _outputs(graded, "summary")
    assert "could not be read" in output.data["text/html"]


def test_a_submission_without_answers_and_with_a_broken_file_are_told_apart(tmp_path) -> None:
    """No answers file reads as 'none saved'; a broken one as 'could not be read', with the reason for the log."""
    assert read_submission(tmp_path)[0].problem == MISSING
    (tmp_path / "answers.json").write_text("[" * 100_000)
    submission, reason = read_submission(tmp_path)
    assert submission.problem == UNREADABLE and "answers.json" in reason


def test_clearing_a_graded_folder_keeps_only_what_nbgrader_reads(tmp_path) -> None:
    """Every submitted file, folder and link is removed from a graded folder but nbgrader's two text files."""
    (tmp_path / "timestamp.txt").write_text("2026-11-29 10:00:00")
    (tmp_path / "submission_secret.txt").write_text("secret")
    (tmp_path / "notes.html").write_text("<script></script>")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("")
    outside = tmp_path.parent / "outside-kept"
    outside.mkdir(exist_ok=True)
    (tmp_path / "link").symlink_to(outside)
    assert clear_submitted_files(tmp_path) == ["link", "notes.html", "pkg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submission_secret.txt", "timestamp.txt"]
    assert outside.is_dir()
