"""Render an assignment's vignettes into its nbgrader source notebook.

Layout of the notebook, chosen so nbgrader grades it soundly:

* a welcome cell, then per vignette a read-only markdown cell (content note,
  scenario, question) and a locked, graded widget cell whose ``grade_id`` is the
  vignette id; choice items first, reflections last;
* a reflection is an ungraded widget cell, a markdown cell introducing its rubric, and
  one markdown *task* cell per rubric criterion (``ITEM-criterion-N``,
  :mod:`trainingkit.criteria`) that the supervisor scores in the formgrader: the
  reflection's score is the sum of its criteria;
* a summary cell, right after the welcome, that grading fills with strengths-first
  feedback, so returned feedback opens with it;
* the parts of a case set in order, each later part's question drawn by its widget (not
  printed in its markdown cell), which shows it once the part before has an answer and
  locks a part once the part after it has one (see :mod:`trainingkit.questions`).

No answer key is written into the notebook: grading reads the key from the bank.
"""

from __future__ import annotations

from collections.abc import Mapping

import nbformat

from trainingkit.assignments import Assignment, FeedbackMode
from trainingkit.bank.model import CONTENT_NOTES, Kind, Vignette
from trainingkit.criteria import criterion_cell
from trainingkit.render.cells import GENERATED_NOTICE, NOT_IN_LETTER, call, markdown, new_notebook, widget_code

WIDGET_FUNCTION = {
    Kind.SINGLE: "single_choice",
    Kind.MULTIPLE: "multiple_select",
    Kind.REFLECTION: "reflection",
}
HOW_TO_ANSWER = {
    Kind.SINGLE: "choose one answer",
    Kind.MULTIPLE: "tick every answer that applies",
    Kind.REFLECTION: "write a short reflection",
}


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _welcome(assignment: Assignment, vignettes: list[Vignette]) -> str:
    """The assignment's title and what it holds."""
    choices = sum(1 for v in vignettes if v.kind.is_choice)
    reflections = len(vignettes) - choices
    parts = [f"{choices} case vignette{'s' if choices != 1 else ''} to answer by choosing"]
    if reflections:
        parts.append(f"{reflections} short written reflection{'s' if reflections != 1 else ''}")
    intro = f"\n{assignment.introduction}\n" if assignment.introduction else ""
    return f"""
# {assignment.title}
{intro}
This assignment has **{len(vignettes)} questions**: {' and '.join(parts)}.
"""


def _how_to_answer(assignment: Assignment) -> str:
    """How to answer and submit: for the trainee answering, never repeated in the feedback letter."""
    feedback = ("After grading you will see, for every question, the best answer and why."
                if assignment.feedback is FeedbackMode.PRACTICE else
                "After grading you will see which questions and which sections of the Code of "
                "Ethics to revisit.")
    pass_line = f"\n* {assignment.pass_mark_sentence}" if assignment.pass_mark_sentence else ""
    return f"""
**How to answer**

1. The answer boxes appear below each question as the notebook opens, with any answer you gave before.
2. Click an answer, or type your reflection. Every answer is **saved as soon as you give it**; a line
   under the question tells you when. Closing the page or restarting does not lose anything.
3. When you are done, press **Submit** in the *Assignments* panel: there is nothing to save first.
   You can submit again later; your supervisor grades the last submission.

**Look after yourself.** There is no timer. Some vignettes describe difficult experiences; each of
those starts with a short content note, and you can skip it and come back whenever you like.

* {feedback}{pass_line}

<small>This notebook is {GENERATED_NOTICE}.</small>
"""


def _vignette_markdown(number: int, total: int, vignette: Vignette) -> str:
    title, case_line = vignette.heading, ""
    if vignette.case:
        case_line = (f" · one case, {vignette.parts} linked questions, each scored on its own"
                     if vignette.part == 1 else " · the same case as the question before")
    header = (f"## Question {number} of {total}: {title}\n\n"
              f"*{vignette.domain_title} · {_points(vignette.points)} · {HOW_TO_ANSWER[vignette.kind]}"
              f"{case_line}*\n")
    if vignette.part > 1 and not vignette.kind.is_choice:  # the scenario is printed once, above part 1
        return f"{header}\n**{vignette.question.strip()}**\n"
    if vignette.part > 1:  # a later choice part's question is drawn by its widget, once revealed
        return (f"{header}\nThis part's question appears below once you have answered part "
                f"{vignette.part - 1}. When you answer it, your answer to part {vignette.part - 1} becomes "
                "final.\n")
    scenario = vignette.scenario.strip()
    if vignette.content_notes:
        topics = ", ".join(CONTENT_NOTES[note] for note in vignette.content_notes)
        body = (f"> **Content note:** this vignette mentions {topics}. You can read it now, or skip "
                "to the next question and come back later; nothing you have saved is lost.\n\n"
                "<details>\n<summary>Show the scenario</summary>\n\n"
                f"{scenario}\n\n</details>\n")
    else:
        body = scenario + "\n"
    return f"{header}\n{body}\n**{vignette.question.strip()}**\n"


def _widget_source(vignette: Vignette, neighbours: Mapping[tuple[str, int], str] | None = None) -> str:
    """The widget cell's code; ``neighbours`` (``{(case, part): id}``) orders a case set's parts."""
    function = WIDGET_FUNCTION[vignette.kind]
    # the question is printed in bold just above the box: the box names itself for screen readers
    # only; a later case part's question is the box's own, shown when the part is revealed
    kwargs: dict[str, object] = {"question": vignette.question.strip(), "question_shown": vignette.part > 1 and vignette.kind.is_choice}
    if vignette.kind.is_choice:
        kwargs["options"] = {option.id: option.text for option in vignette.options}
    if vignette.case and vignette.kind.is_choice:
        known = neighbours or {}
        for name, part in (("follows", vignette.part - 1), ("followed_by", vignette.part + 1)):
            if (vignette.case, part) in known:
                kwargs[name] = known[(vignette.case, part)]
    return ("# This cell only draws the answer box below; there is nothing to edit here.\n"
            f"from trainingkit.questions import {function}\n\n"
            + call(function, vignette.id, **kwargs))


def _rubric_markdown(vignette: Vignette) -> str:
    count = len(vignette.rubric)
    return (f"**Supervisor's grade for this reflection** ({_points(vignette.points)}). "
            f"Your supervisor reads what you wrote and scores it on {count} criteri"
            f"{'on' if count == 1 else 'a'}, each below with its own score; the reflection's score is their sum.")


def _criterion_markdown(number: int, vignette: Vignette) -> str:
    criterion = vignette.rubric[number - 1]
    text = (f"**Criterion {number} of {len(vignette.rubric)}** ({_points(criterion.points)}): "
            f"{criterion.criterion}")
    if not criterion.levels:
        return text + "\n"
    # An analytic rubric: the criterion scored at one of its levels, the levels in words.
    levels = "\n".join(f"* **{level.points:g}:** {level.description}" for level in criterion.levels)
    return f"{text}\n\nLevels:\n\n{levels}\n"


def render_assignment(assignment: Assignment, bank: Mapping[str, Vignette]) -> nbformat.NotebookNode:
    """The nbgrader source notebook of an assignment."""
    vignettes = assignment.vignettes(bank)
    neighbours = {(v.case, v.part): v.id for v in vignettes if v.case}
    # The summary comes first: returned feedback reads as a letter, strengths before details.
    # the letter opens with its own heading (the title) and leaves the welcome to the answering notebook
    welcome = [markdown("welcome", _welcome(assignment, vignettes)),
               markdown("how-to-answer", _how_to_answer(assignment))]
    for cell in welcome:
        cell.metadata["tags"] = [NOT_IN_LETTER]
    cells = [*welcome,
             widget_code("summary", "from trainingkit.returned import feedback_summary\n\n"
                         "feedback_summary()",
                         trainingkit={"role": "summary"})]
    for number, vignette in enumerate(vignettes, start=1):
        cells.append(markdown(f"{vignette.id}-scenario",
                              _vignette_markdown(number, len(vignettes), vignette)))
        meta = {"question": vignette.id, "kind": vignette.kind.value}
        if vignette.kind.is_choice:
            cells.append(widget_code(f"{vignette.id}-answer", _widget_source(vignette, neighbours), trainingkit=meta,
                                     grade_id=vignette.id, grade=True, locked=True, points=vignette.points))
        else:
            cells.append(widget_code(f"{vignette.id}-answer", _widget_source(vignette, neighbours), trainingkit=meta))
            cells.append(markdown(f"{vignette.id}-grade", _rubric_markdown(vignette)))
            for number, criterion in enumerate(vignette.rubric, start=1):
                name = criterion_cell(vignette.id, number)
                cells.append(markdown(name, _criterion_markdown(number, vignette), task=True, locked=True,
                                      points=criterion.points))
    return new_notebook(cells, trainingkit={"assignment": assignment.id,
                                            "feedback": assignment.feedback.value})
