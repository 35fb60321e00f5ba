"""Lessons as data: ``coursework/lessons/NN-slug.yaml`` rendered into ``notebooks/NN-slug.ipynb``.

A lesson opens with the questions it answers and its objectives, teaches in short
sections with ungraded knowledge checks, and closes with key points. The check
for every lesson's front matter lives here, with errors naming file and field.

Certification-office policy (the renewal window, the pass mark, how days are
counted) is not the Code of Ethics. It lives in one file beside the lessons,
``coursework/lessons/policy.yaml``; a section quotes entries by id (``policy:``)
and they are drawn in a box headed :data:`POLICY_HEADING`, never as Code text.
An entry that states one of the office's settings names it (``setting``) and
gives its ``value``, which must equal that setting in
:mod:`trainingkit.renewal.settings`, so a lesson never quotes a number the office
does not use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import nbformat
import yaml

from trainingkit.course import Course
from trainingkit.render.cells import GENERATED_NOTICE, call, markdown, new_notebook, notebook_bytes, widget_code

LESSON_ID = re.compile(r"^[0-9]{2}-[a-z0-9-]+$")
CHECK_ID = re.compile(r"^l[0-9]{2}-c[0-9]+$")
POLICY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The office's policy file, kept beside the lessons (it travels wherever they do).
POLICY_FILE = "policy.yaml"
#: The heading of every box that quotes office policy in a lesson.
POLICY_HEADING = "Certification office policy (not part of the Code)"
POLICY_FIELDS = ("id", "title", "text", "setting", "value")
#: Figures a lesson section may ask for, by name, and the call that draws each.
FIGURES = {"renewal-timeline": ("trainingkit.figures", "renewal_timeline")}


#: The number of the lesson that shows the trainee's progress across the lessons (the welcome).
PROGRESS_LESSON = "00-"


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
class PolicyItem:
    """One rule of the certification office, in the words the lessons quote."""

    id: str
    title: str
    text: str  # with {value} already filled in
    setting: str | None = None
    value: int | float | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    body: str
    check: KnowledgeCheck | None = None
    figure: str | None = None
    policy: tuple[PolicyItem, ...] = ()


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


def _office_settings() -> dict[str, Any]:
    from trainingkit.renewal.settings import DEFAULT_RULES, RenewalRules

    return {f.name: getattr(DEFAULT_RULES, f.name) for f in fields(RenewalRules) if f.compare}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LessonError(f"{path}: cannot be read: {error}") from None


def load_policy(path: Path | str) -> dict[str, PolicyItem]:
    """Read and check the certification office's policy file: entries by id, in file order."""
    path = Path(path)

    def fail(field: str, message: str) -> None:
        raise LessonError(f"{path}: field {field!r}: {message}")

    raw = _read_yaml(path)
    entries = raw.get("policies") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        fail("policies", "must be a non-empty list of entries with id, title and text")
    settings = _office_settings()
    items: dict[str, PolicyItem] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"policies[{number}]"
        if not isinstance(entry, dict):
            fail(where, "must be a mapping with id, title and text")
        unknown = sorted(set(entry) - set(POLICY_FIELDS))
        if unknown:
            fail(f"{where}.{unknown[0]}", f"is not a policy field (use {', '.join(POLICY_FIELDS)})")
        policy_id = _text(entry, "id", lambda f, m: fail(f"{where}.{f}", m))
        if not POLICY_ID.match(policy_id):
            fail(f"{where}.id", "must be lower-case words joined by hyphens, like review-window")
        if policy_id in items:
            fail(f"{where}.id", f"{policy_id!r} is used by an earlier entry")
        setting, value = entry.get("setting"), entry.get("value")
        if setting is not None:
            if setting not in settings:
                fail(f"{where}.setting", f"must name a setting of trainingkit.renewal.settings.RenewalRules "
                                         f"({', '.join(settings)})")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fail(f"{where}.value", f"must be the number the office uses for {setting}")
            if value != settings[setting]:
                fail(f"{where}.value", f"is {value:g} but the office's setting {setting} "
                                       f"(src/trainingkit/renewal/settings.py) is {settings[setting]:g}: "
                                       "make them agree")
        elif value is not None:
            fail(f"{where}.value", "needs a setting naming which office setting it states")
        text = _text(entry, "text", lambda f, m: fail(f"{where}.{f}", m))
        try:
            filled = text.format_map({"value": f"{value:g}"} if value is not None else {})
        except (KeyError, ValueError, IndexError):
            fail(f"{where}.text", "may use only the placeholder {value}, and only when value is given")
        items[policy_id] = PolicyItem(policy_id, _text(entry, "title", lambda f, m: fail(f"{where}.{f}", m)),
                                      filled, setting, value)
    return items


def _section_policy(raw: Any, where: str, fail: Any, policy: Any) -> tuple[PolicyItem, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        fail(where, "must be a non-empty list of policy ids")
    known = policy()
    for policy_id in raw:
        if policy_id not in known:
            fail(where, f"{policy_id!r} is not in {POLICY_FILE} (it has {', '.join(known)})")
    if len(set(raw)) != len(raw):
        fail(where, "names the same policy twice")
    return tuple(known[policy_id] for policy_id in raw)


def load_lesson(path: Path | str, policy: Mapping[str, PolicyItem] | None = None) -> Lesson:
    """Read and check one lesson file.

    ``policy`` is the office's policy by id; when a section quotes policy and none is
    given, it is read from :data:`POLICY_FILE` beside the lesson.
    """
    path = Path(path)
    loaded: list[Mapping[str, PolicyItem]] = [policy] if policy is not None else []

    def office_policy() -> Mapping[str, PolicyItem]:
        if not loaded:
            loaded.append(load_policy(path.parent / POLICY_FILE))
        return loaded[0]

    def fail(field: str, message: str) -> None:
        raise LessonError(f"{path}: field {field!r}: {message}")

    raw = _read_yaml(path)
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
        check = _check(section["check"], f"{where}.check", fail) if "check" in section else None
        if check and check.id[1:3] != lesson_id[:2]:
            fail(f"{where}.check.id", f"must start with l{lesson_id[:2]}-, the number of this lesson")
        sections.append(Section(
            heading=_text(section, "heading", lambda f, m: fail(f"{where}.{f}", m)),
            body=_text(section, "body", lambda f, m: fail(f"{where}.{f}", m)),
            check=check,
            figure=figure,
            policy=(_section_policy(section["policy"], f"{where}.policy", fail, office_policy)
                    if "policy" in section else ()),
        ))
    check_ids = [section.check.id for section in sections if section.check]
    for check_id in check_ids:
        if check_ids.count(check_id) > 1:
            fail("sections", f"two checks share the id {check_id!r}")
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
    """Every lesson in ``directory`` (all ``*.yaml`` but the policy file), checked together.

    Lesson numbers are unique and every check id carries its lesson's number, so check
    ids (the keys of a trainee's saved answers) are unique across the lessons too.
    """
    directory = Path(directory)
    policy_path = directory / POLICY_FILE
    policy: dict[str, PolicyItem] | None = load_policy(policy_path) if policy_path.exists() else None
    lessons = [load_lesson(path, policy) for path in sorted(directory.glob("*.yaml"))
               if path.name != POLICY_FILE]
    ids = [lesson.id for lesson in lessons]
    for lesson_id in ids:
        if sum(other[:2] == lesson_id[:2] for other in ids) > 1:
            raise LessonError(f"{directory}: two lessons share the number {lesson_id[:2]}")
    return lessons


def _bullets(items: tuple[str, ...]) -> str:
    return "\n".join(f"* {item}" for item in items)


def policy_box(items: tuple[PolicyItem, ...]) -> str:
    """Markdown for a box of office policy, styled and headed so it is never read as the Code."""
    rules = "\n".join(f"* **{item.title}.** {item.text}" for item in items)
    return f"""<div class="alert alert-info" title="{POLICY_HEADING}">

**{POLICY_HEADING}**

*The certification office runs renewals and reports by these rules. They are its current
settings, not words of the Code of Ethics, and the office may change them.*

{rules}

</div>"""


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

*The knowledge checks appear below their sections as the lesson opens. Checks are not graded.*

<small>This notebook is {GENERATED_NOTICE}.</small>
"""
    cells = [markdown(f"{lesson.id}-opening", opening)]
    if lesson.id.startswith(PROGRESS_LESSON):
        cells.append(markdown(f"{lesson.id}-progress-intro", "## Your progress\n\nThe knowledge checks you "
                              "have answered in each lesson, counted when this lesson opens."))
        cells.append(widget_code(f"{lesson.id}-progress", "from trainingkit.progress import progress_widget\n\n"
                                 "progress_widget()", trainingkit={"progress": True}))
    for number, section in enumerate(lesson.sections, start=1):
        cells.append(markdown(f"{lesson.id}-s{number}", f"## {section.heading}\n\n{section.body}"))
        if section.policy:
            cells.append(markdown(f"{lesson.id}-s{number}-policy", policy_box(section.policy)))
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
