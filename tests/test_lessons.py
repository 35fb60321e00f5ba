"""Lessons as data: checked front matter, and notebooks with no code to read."""

from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.lessons import LessonError, load_lesson, load_lessons, render_lesson


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
