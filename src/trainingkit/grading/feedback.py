"""Feedback a trainee reads after grading: strengths first, then what to revisit. Pure."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from trainingkit.assignments import FeedbackMode, pass_mark_sentence
from trainingkit.bank.model import Vignette
from trainingkit.scoring import ItemResult


def _esc(text: str) -> str:
    return html.escape(text.strip())


def points(value: float) -> str:
    """Points as trainees read them everywhere: at most two decimals (1.33, not 1.3333)."""
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class ReflectionGrade:
    """A written reflection as the letter reports it: the supervisor's points (None until graded) and comment."""

    question_id: str
    title: str
    code_section: str
    earned: float | None
    possible: float
    comment: str = ""

    @property
    def graded(self) -> bool:
        return self.earned is not None

    @property
    def grade_sentence(self) -> str:
        if self.earned is None:
            return "Your supervisor has not graded this reflection yet."
        return (f"Your supervisor's grade: {points(self.earned)} of {points(self.possible)} "
                f"point{'s' if self.possible != 1 else ''}.")


def _chosen_text(vignette: Vignette, result: ItemResult) -> str:
    if not result.chosen:
        return "no answer recorded"
    return "; ".join(f"{key.upper()}) {vignette.option(key).text}" for key in result.chosen)


def _verdict(result: ItemResult) -> str:
    if result.full_marks:
        return "Full marks"
    if result.earned > 0:
        return "Partly right"
    return "Not yet" if result.answered else "Not answered"


def item_feedback_html(vignette: Vignette, result: ItemResult, mode: FeedbackMode) -> str:
    """Feedback on one choice item: the verdict in words (never by colour alone)."""
    parts = [
        f"<div class='tk-item-feedback' data-question='{_esc(vignette.id)}'>",
        f"<p><strong>{_verdict(result)}: {points(result.earned)} of {points(result.possible)} "
        f"point{'s' if result.possible != 1 else ''}.</strong></p>",
        f"<p>Your answer: {_esc(_chosen_text(vignette, result))}</p>",
    ]
    if vignette.part > 1:  # a later case part's question is drawn by its widget, which feedback does not show
        parts.insert(1, f"<p>The question: {_esc(vignette.question.strip())}</p>")
    if result.problem:
        parts.append(f"<p>Note: {_esc(result.problem)}.</p>")
    if mode is FeedbackMode.PRACTICE:
        notes = [f"<li><strong>{key.upper()})</strong> {_esc(vignette.option(key).feedback)}</li>"
                 for key in result.chosen]
        if notes:
            parts.append(f"<p>About your choice:</p><ul>{''.join(notes)}</ul>")
        if not result.full_marks:
            best = "; ".join(f"{key.upper()}) {vignette.option(key).text}" for key in sorted(vignette.key))
            parts.append(f"<p>The best answer: {_esc(best)}</p>")
            missed = sorted(vignette.key - set(result.chosen))
            if result.earned > 0 and missed:
                parts.append(f"<p>Right option{'s' if len(missed) > 1 else ''} you did not tick: "
                             f"{_esc(', '.join(key.upper() for key in missed))}</p>")
        parts.append(f"<p>Why: {_esc(vignette.rationale)}</p>")
    elif not result.full_marks:
        parts.append("<p>Revisit this question's topic before you try again.</p>")
    parts.append(f"<p>Code section: <em>{_esc(vignette.code_section)}</em></p></div>")
    return "".join(parts)


def summary_html(vignettes: Sequence[Vignette], results: Sequence[ItemResult], *,
                 pass_mark: float | None, problem: str = "", cut_score: bool = False,
                 reflections: Sequence[ReflectionGrade] = ()) -> str:
    """The assignment summary: what went well first, then what to revisit.

    ``cut_score`` says the pass mark is a fixed review form's cut score (said as the form says it).
    ``reflections`` are the written reflections: a graded one counts as a strength at full
    marks and is revisited otherwise, with the supervisor's comment; one not graded yet is
    listed as waiting for the supervisor.
    """
    by_id = {v.id: v for v in vignettes}
    earned = sum(r.earned for r in results)
    possible = sum(r.possible for r in results)
    strong = [r for r in results if r.full_marks]
    revisit = [r for r in results if not r.full_marks]
    graded = [g for g in reflections if g.graded]
    waiting = [g for g in reflections if not g.graded]
    strong_reflections = [g for g in graded if g.earned == g.possible]
    revisit_reflections = [g for g in graded if g.earned != g.possible]
    parts = ["<div class='tk-summary'><h2>Your feedback</h2>"]
    if problem:
        parts.append(f"<p><strong>Note:</strong> {_esc(problem)}</p>")
    parts.append("<h3>What you did well</h3>")
    if strong or strong_reflections:
        items = "".join(f"<li>{_esc(by_id[r.question_id].heading)} "
                        f"(<em>{_esc(by_id[r.question_id].domain_title)}</em>)</li>" for r in strong)
        items += "".join(f"<li>{_esc(g.title)} (your reflection){_comment(g)}</li>" for g in strong_reflections)
        count = len(results) + len(graded)
        parts.append(f"<p>You gave the best answer on {len(strong) + len(strong_reflections)} of {count} "
                     f"question{'s' if count != 1 else ''}:</p><ul>{items}</ul>")
    else:
        answered = sum(1 for r in results if r.answered)
        parts.append(f"<p>You worked through the vignettes and recorded {answered} answer"
                     f"{'s' if answered != 1 else ''}; that is the first step, and every question "
                     "below comes with a pointer to what to read.</p>")
    if revisit or revisit_reflections:
        items = "".join(f"<li>{_esc(by_id[r.question_id].heading)}: "
                        f"<em>{_esc(by_id[r.question_id].code_section)}</em></li>" for r in revisit)
        items += "".join(f"<li>{_esc(g.title)} (your reflection, {points(g.earned or 0)} of {points(g.possible)} "
                         f"points): <em>{_esc(g.code_section)}</em>{_comment(g)}</li>" for g in revisit_reflections)
        parts.append(f"<h3>What to revisit</h3><ul>{items}</ul>")
    percent = 100 * earned / possible if possible else 0.0
    parts.append(f"<p>Questions graded automatically: {points(earned)} of {points(possible)} points "
                 f"({percent:.0f}%).")
    if pass_mark is not None:
        outcome = "at or above" if percent >= pass_mark else "below"
        parts.append(f" {pass_mark_sentence(pass_mark, cut_score=cut_score)} "
                     f"This part of your score is {outcome} it.")
    if graded:
        parts.append(f" Your written reflection{'s' if len(graded) != 1 else ''}: "
                     f"{points(sum(g.earned or 0 for g in graded))} of {points(sum(g.possible for g in graded))} points.")
    if waiting:
        names = ", ".join(_esc(g.title) for g in waiting)
        parts.append(f" Your supervisor has not yet graded: {names}.")
    parts.append("</p></div>")
    return "".join(parts)


def _comment(grade: ReflectionGrade) -> str:
    if not grade.comment.strip():
        return ""
    return f"<br>Your supervisor wrote: <q class='tk-comment'>{_esc(grade.comment)}</q>"
