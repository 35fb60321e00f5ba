"""A trainee's progress through the lessons, shown in lesson 00 from their own files.

The lessons a trainee has are their own copies in one folder (``workbook/lessons/``), with
``answers.json`` beside them. A lesson's knowledge checks are the cells whose metadata names
a check (``trainingkit.check``); a check counts as done when the answers file holds an answer
for it. :func:`lesson_progress` is pure; :func:`progress_widget` reads the folder and draws
the table as text (no colour carries meaning).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LessonChecks:
    """A lesson as progress counts it: its title and the ids of its knowledge checks."""

    lesson_id: str
    title: str
    checks: tuple[str, ...]


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    title: str
    answered: int
    checks: int

    @property
    def done(self) -> bool:
        return self.checks > 0 and self.answered == self.checks


def lesson_progress(lessons: Sequence[LessonChecks], answered: set[str]) -> list[LessonProgress]:
    """How many of each lesson's checks have an answer, in the lessons' order."""
    return [LessonProgress(lesson.lesson_id, lesson.title, sum(1 for c in lesson.checks if c in answered),
                           len(lesson.checks)) for lesson in lessons]


def read_lesson_checks(path: Path) -> LessonChecks | None:
    """A lesson notebook's title and checks; None for a file that is not a readable lesson."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
        lesson_id = notebook["metadata"]["trainingkit"]["lesson"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    title, checks = lesson_id, []
    for cell in cells:
        source = "".join(cell.get("source", ""))
        if title == lesson_id and cell.get("cell_type") == "markdown" and source.lstrip().startswith("# "):
            title = source.lstrip()[2:].splitlines()[0].strip()
        check = cell.get("metadata", {}).get("trainingkit", {}).get("check")
        if isinstance(check, str):
            checks.append(check)
    return LessonChecks(str(lesson_id), title, tuple(checks))


def progress_html(progress: Sequence[LessonProgress]) -> str:
    """The progress table: each lesson with its checks answered, in words."""
    done = sum(1 for lesson in progress if lesson.done)
    rows = "".join(
        f"<tr><td>{html.escape(p.title)}</td><td>{p.answered} of {p.checks} checks answered"
        f"{' (done)' if p.done else ''}</td></tr>" for p in progress)
    return (f"<div class='tk-progress'><p><strong>You have answered every check in {done} of "
            f"{len(progress)} lessons.</strong></p><table><thead><tr><th scope='col'>Lesson</th>"
            f"<th scope='col'>Knowledge checks</th></tr></thead><tbody>{rows}</tbody></table></div>")


def folder_progress(folder: Path, answers: Mapping[str, Any]) -> list[LessonProgress]:
    """Progress over the lesson notebooks in ``folder`` (sorted by name) against ``answers``."""
    lessons = [lesson for path in sorted(folder.glob("[0-9][0-9]-*.ipynb"))
               if (lesson := read_lesson_checks(path)) is not None]
    return lesson_progress(lessons, set(answers))


def progress_widget(folder: Path | str | None = None) -> Any:
    """Lesson 00's progress table, from the lessons and answers file in the kernel's folder."""
    import ipywidgets as widgets

    from trainingkit.answers import AnswersFileError, answers_path, read_answers

    path = answers_path(folder)
    try:
        answers = read_answers(path, limit=None)
    except AnswersFileError as error:
        return widgets.HTML(f"<p>Your progress cannot be shown: {html.escape(str(error))}</p>")
    table = widgets.HTML(progress_html(folder_progress(path.parent, answers)))
    table.add_class("tk-progress")
    return table
