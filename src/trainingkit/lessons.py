"""Lessons as data: ``coursework/lessons/NN-slug.yaml`` rendered into ``notebooks/NN-slug.ipynb``.

A lesson opens with the questions it answers and its objectives, teaches in short
sections with ungraded knowledge checks, and closes with key points. The check
for every lesson's front matter lives here, with errors naming file and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from trainingkit.course import Course
from trainingkit.render.cells import GENERATED_NOTICE, call, markdown, new_notebook, notebook_bytes, widget_code

LESSON_ID = re.compile(r"^[0-9]{2}-[a-z0-9-]+$")
CHECK_ID = re.compile(r"^l[0-9]{2}-c[0-9]+$")
#: Figures a lesson section may ask for, by name, and the call that draws each.
FIGURES = {"renewal-timeline": ("trainingkit.figures", "renewal_timeline")}


class LessonError(ValueError):
    """A lesson file breaks the format; the message names the file and field."""


@dataclass(frozen=True)
class CheckOption:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class KnowledgeCheck:
    id: str
    question: str
    multiple: bool
    options: tuple[CheckOption, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    body: str
    check: KnowledgeCheck | None = None
    figure: str | None = None


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    minutes: int
    questions: tuple[str, ...]
    objectives: tuple[str, ...]
    key_points: tuple[str, ...]
    sections: tuple[Section, ...]
    clauses: tuple[str, ...] = ()
    content_note: str = ""


def _texts(raw: dict[str, Any], field: str, fail: Any) -> tuple[str, ...]:
    value = raw.get(field)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        fail(field, "must be a non-empty list of text")
    return tuple(v.strip() for v in value)


def _text(raw: dict[str, Any], field: str, fail: Any) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        fail(field, "must be non-empty text")
    return value.strip()


def _check(raw: Any, where: str, fail: Any) -> KnowledgeCheck:
    if not isinstance(raw, dict):
        fail(where, "must be a mapping with id, kind, question and options")
    check_id = _text(raw, "id", lambda f, m: fail(f"{where}.{f}", m))
    if not CHECK_ID.match(check_id):
        fail(f"{where}.id", "must look like l04-c1")
    kind = raw.get("kind", "single")
    if kind not in ("single", "multiple"):
        fail(f"{where}.kind", "must be single or multiple")
    options = raw.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= 8:
        fail(f"{where}.options", "needs 2 to 8 options")
    parsed = []
    for number, option in enumerate(options, start=1):
        at = f"{where}.options[{number}]"
        if not isinstance(option, dict) or not isinstance(option.get("correct"), bool):
            fail(at, "needs text, correct (true or false) and feedback")
        parsed.append(CheckOption(_text(option, "text", lambda f, m: fail(f"{at}.{f}", m)), option["correct"],
                                  _text(option, "feedback", lambda f, m: fail(f"{at}.{f}", m))))
    right = sum(option.correct for option in parsed)
    if right == 0 or (kind == "single" and right != 1):
        fail(f"{where}.options", "a single check has exactly one correct option, a multiple check at least one")
    return KnowledgeCheck(check_id, _text(raw, "question", lambda f, m: fail(f"{where}.{f}", m)),
                          kind == "multiple", tuple(parsed))


def load_lesson(path: Path | str) -> Lesson:
    """Read and check one lesson file."""
    path = Path(path)

    def fail(field: str, message: str) -> None:
        raise LessonError(f"{path}: field {field!r}: {message}")

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LessonError(f"{path}: cannot be read: {error}") from None
    if not isinstance(raw, dict):
        raise LessonError(f"{path}: must be a mapping of field: value")
    lesson_id = _text(raw, "id", fail)
    if lesson_id != path.stem or not LESSON_ID.match(lesson_id):
        fail("id", f"must equal the file name {path.stem!r} and look like 04-scope-of-practice")
    minutes = raw.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        fail("minutes", "must be a whole number of minutes above 0")
    sections = []
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        fail("sections", "must be a non-empty list")
    for number, section in enumerate(raw_sections, start=1):
        where = f"sections[{number}]"
        if not isinstance(section, dict):
            fail(where, "must be a mapping with heading and body")
        figure = section.get("figure")
        if figure is not None and figure not in FIGURES:
            fail(f"{where}.figure", f"must be one of {', '.join(FIGURES)}")
        sections.append(Section(
            heading=_text(section, "heading", lambda f, m: fail(f"{where}.{f}", m)),
            body=_text(section, "body", lambda f, m: fail(f"{where}.{f}", m)),
            check=_check(section["check"], f"{where}.check", fail) if "check" in section else None,
            figure=figure,
        ))
    clauses = raw.get("clauses") or []
    if not isinstance(clauses, list):
        fail("clauses", "must be a list of clause ids")
    return Lesson(
        id=lesson_id, title=_text(raw, "title", fail), minutes=minutes,
        questions=_texts(raw, "questions", fail), objectives=_texts(raw, "objectives", fail),
        key_points=_texts(raw, "key_points", fail), sections=tuple(sections),
        clauses=tuple(clauses), content_note=str(raw.get("content_note") or "").strip(),
    )


def load_lessons(directory: Path | str) -> list[Lesson]:
    lessons = [load_lesson(path) for path in sorted(Path(directory).glob("*.yaml"))]
    ids = [lesson.id for lesson in lessons]
    for lesson_id in ids:
        if sum(other[:2] == lesson_id[:2] for other in ids) > 1:
            raise LessonError(f"{directory}: two lessons share the number {lesson_id[:2]}")
    return lessons


def _bullets(items: tuple[str, ...]) -> str:
    return "\n".join(f"* {item}" for item in items)


def render_lesson(lesson: Lesson) -> nbformat.NotebookNode:
    """The lesson notebook: text, knowledge-check widgets and figures; no code to read."""
    note = (f"\n> **Content note:** {lesson.content_note} Take breaks whenever you need; "
            "your answers are saved as you go.\n" if lesson.content_note else "")
    opening = f"""
# {lesson.title}
{note}
*About {lesson.minutes} minutes. There is no timer: go at your own pace.*

**Questions this lesson answers**

{_bullets(lesson.questions)}

**After this lesson you can**

{_bullets(lesson.objectives)}

*To see the knowledge checks, choose **Run ▸ Run All Cells** once. Checks are not graded.*

<small>This notebook is {GENERATED_NOTICE}.</small>
"""
    cells = [markdown(f"{lesson.id}-opening", opening)]
    for number, section in enumerate(lesson.sections, start=1):
        cells.append(markdown(f"{lesson.id}-s{number}", f"## {section.heading}\n\n{section.body}"))
        if section.figure:
            module, function = FIGURES[section.figure]
            cells.append(widget_code(f"{lesson.id}-s{number}-figure",
                                     f"from {module} import {function}\n\n{function}()",
                                     trainingkit={"figure": section.figure}))
        if section.check:
            check = section.check
            options = [{"text": o.text, "correct": o.correct, "feedback": o.feedback} for o in check.options]
            source = ("# This cell only draws the knowledge check below.\n"
                      "from trainingkit.questions import knowledge_check\n\n"
                      + call("knowledge_check", check.id, question=check.question, options=options,
                             multiple=check.multiple))
            cells.append(markdown(f"{check.id}-intro", "### Check your understanding"))
            cells.append(widget_code(f"{check.id}", source, trainingkit={"check": check.id}))
    cells.append(markdown(f"{lesson.id}-key-points", f"## Key points\n\n{_bullets(lesson.key_points)}"))
    return new_notebook(cells, trainingkit={"lesson": lesson.id})


def render_all_lessons(course: Course) -> dict[Path, bytes]:
    """Every lesson's notebook path and bytes."""
    return {course.notebooks_dir / f"{lesson.id}.ipynb": notebook_bytes(render_lesson(lesson))
            for lesson in load_lessons(course.lessons_dir)}
