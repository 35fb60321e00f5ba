"""Lesson progress in lesson 00, counted from the trainee's own lesson copies and answers file."""

from __future__ import annotations

import shutil
from pathlib import Path

from trainingkit.answers import save_answer
from trainingkit.progress import LessonChecks, folder_progress, lesson_progress, progress_html

from tests.conftest import PROJECT


def test_a_lesson_is_done_when_each_of_its_checks_has_an_answer() -> None:
    """Answered checks are counted per lesson; a lesson is done only when all are answered."""
    lessons = [LessonChecks("00-welcome", "Welcome", ("l00-c1", "l00-c2")), LessonChecks("01-x", "X", ("l01-c1",))]
    progress = lesson_progress(lessons, {"l00-c1", "l01-c1", "elsewhere"})
    assert [(p.answered, p.checks, p.done) for p in progress] == [(1, 2, False), (1, 1, True)]
    assert "every check in 1 of 2 lessons" in progress_html(progress)


def test_progress_reads_the_twelve_lesson_copies_and_the_answers_beside_them(tmp_path: Path) -> None:
    """With every lesson copied and two checks answered, all twelve lessons are listed, by title, in order."""
    for notebook in sorted((PROJECT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        shutil.copy(notebook, tmp_path)
    save_answer(tmp_path / "answers.json", "l03-c1", "a")
    save_answer(tmp_path / "answers.json", "l00-c1", "b")
    progress = folder_progress(tmp_path, {"l03-c1": 1, "l00-c1": 1})
    assert len(progress) == 12 and progress[0].lesson_id == "00-welcome"
    assert progress[0].title != "00-welcome" and all(p.checks > 0 for p in progress)
    assert [p.lesson_id for p in progress if p.answered] == ["00-welcome", "03-guiding-principles"]


def test_a_lesson_title_is_escaped_in_the_table() -> None:
    """Titles come from files in the trainee's folder: shown as text, never as markup."""
    html = progress_html(lesson_progress([LessonChecks("09-x", "<img src=x onerror=alert(1)>", ("c",))], set()))
    assert "<img" not in html and "&lt;img" in html


def test_the_progress_widget_counts_in_a_lesson_folder(tmp_path: Path) -> None:
    """The widget lesson 00 draws shows the count from the folder it runs in."""
    from trainingkit.progress import progress_widget

    shutil.copy(PROJECT / "notebooks" / "00-welcome.ipynb", tmp_path)
    save_answer(tmp_path / "answers.json", "l00-c1", "a")
    assert "1 of" in progress_widget(tmp_path).value
