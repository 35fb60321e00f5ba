"""Lessons as data: checked front matter, and notebooks with no code to read."""

from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.lessons import POLICY_FILE, LessonError, load_lesson, load_lessons, render_lesson


def test_the_project_lessons_load(project: Course) -> None:
    """Every lesson file passes the format check, numbered from 00 with no gaps."""
    lessons = load_lessons(project.lessons_dir)
    assert [int(lesson.id[:2]) for lesson in lessons] == list(range(len(lessons)))


def test_a_lesson_opens_with_questions_and_objectives_and_closes_with_key_points(project: Course) -> None:
    """The first cell lists questions and objectives; the last lists key points."""
    notebook = render_lesson(load_lessons(project.lessons_dir)[1])
    assert "Questions this lesson answers" in notebook.cells[0].source
    assert "After this lesson you can" in notebook.cells[0].source
    assert notebook.cells[-1].source.startswith("## Key points")


def test_every_code_cell_in_a_lesson_is_collapsed_and_locked(project: Course) -> None:
    """Trainees see no code: every code cell's input is hidden and cannot be edited."""
    for lesson in load_lessons(project.lessons_dir):
        for cell in render_lesson(lesson).cells:
            if cell.cell_type == "code":
                assert cell.metadata["jupyter"]["source_hidden"] and not cell.metadata["editable"]


def test_a_check_with_two_right_answers_in_single_mode_is_named(tmp_path: Path, project: Course) -> None:
    """A single-answer check with two correct options is refused, naming file and field."""
    text = (project.lessons_dir / "00-welcome.yaml").read_text().replace("correct: false", "correct: true", 1)
    path = tmp_path / "00-welcome.yaml"
    path.write_text(text)
    with pytest.raises(LessonError, match=r"00-welcome\.yaml: field 'sections\[2\]\.check\.options'"):
        load_lesson(path)


def _lesson_with(tmp_path: Path, project: Course, old: str, new: str, name: str = "05-scope-of-practice") -> Path:
    """A copy of a project lesson (and the office policy) with one piece of text replaced."""
    text = (project.lessons_dir / f"{name}.yaml").read_text()
    assert old in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(old, new, 1))
    (tmp_path / POLICY_FILE).write_text((project.lessons_dir / POLICY_FILE).read_text())
    return path


def test_a_check_id_must_carry_its_lessons_number(tmp_path: Path, project: Course) -> None:
    """A check numbered for another lesson is refused (its saved answer would meet another check's)."""
    path = _lesson_with(tmp_path, project, "id: l05-c2", "id: l04-c2")
    with pytest.raises(LessonError, match=r"05-scope-of-practice\.yaml: field 'sections\[3\]\.check\.id': "
                                          r"must start with l05-"):
        load_lesson(path)


def test_two_checks_with_one_id_are_refused(tmp_path: Path, project: Course) -> None:
    """Check ids key a trainee's saved answers, so two checks in a lesson never share one."""
    path = _lesson_with(tmp_path, project, "id: l05-c2", "id: l05-c1")
    with pytest.raises(LessonError, match=r"05-scope-of-practice\.yaml: field 'sections': two checks share "
                                          r"the id 'l05-c1'"):
        load_lesson(path)


def test_a_section_quoting_unknown_policy_is_named(tmp_path: Path, project: Course) -> None:
    """A section's policy list may name only entries of the office's policy file."""
    path = _lesson_with(tmp_path, project, "    policy: [charge-day-count]\n", "    policy: [charge-days]\n",
                        name="10-professional-standards")
    with pytest.raises(LessonError, match=r"10-professional-standards\.yaml: field 'sections\[4\]\.policy': "
                                          r"'charge-days' is not in policy\.yaml"):
        load_lesson(path)


def test_a_lesson_quoting_policy_without_a_policy_file_is_named(tmp_path: Path, project: Course) -> None:
    """With no policy file beside it, a lesson that quotes policy fails naming the missing file."""
    path = _lesson_with(tmp_path, project, "id: l10-c1", "id: l10-c1", name="10-professional-standards")
    (tmp_path / POLICY_FILE).unlink()
    with pytest.raises(LessonError, match=r"policy\.yaml: cannot be read"):
        load_lesson(path)


def test_the_policy_file_is_not_read_as_a_lesson(project: Course) -> None:
    """load_lessons reads every lesson beside the policy file, and the policy file is none of them."""
    assert (project.lessons_dir / POLICY_FILE).exists()
    assert "policy" not in [lesson.id for lesson in load_lessons(project.lessons_dir)]
