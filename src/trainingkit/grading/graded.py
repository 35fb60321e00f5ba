"""The graded notebook, built from trusted material only. Pure.

A graded notebook is the assignment's *source* notebook (instructor side, never touched
by a trainee) with outputs written into its question cells from the submitted answers:
each choice's score and feedback, each reflection's text (escaped), and the summary.
Nothing from the submitted notebook is kept: cells a trainee added, edited markdown and
forged nbgrader metadata all stay behind, so what supervisors and trainees see is the
course's own text plus escaped answer text.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping
from dataclasses import dataclass

from nbformat import NotebookNode

from trainingkit.answers import Answer, is_cut
from trainingkit.assignments import Assignment, FeedbackMode
from trainingkit.bank.model import Kind, Vignette
from trainingkit.grading.feedback import ReflectionGrade, item_feedback_html, summary_html
from trainingkit.scoring import ItemResult, score_choice

NO_REFLECTION = "(no reflection written)"


@dataclass(frozen=True)
class Submission:
    """What grading reads from one submission: its parsed answers, or why there are none."""

    answers: Mapping[str, Answer]
    problem: str = ""


def _grade_id(cell: NotebookNode) -> str | None:
    nbgrader = cell.metadata.get("nbgrader", {})
    return nbgrader.get("grade_id") if nbgrader.get("grade") else None


def _role(cell: NotebookNode) -> Mapping[str, str]:
    return cell.metadata.get("trainingkit", {})


def new_output(output_type: str, data: dict[str, str], **fields: object) -> NotebookNode:
    """``nbformat.v4.new_output`` for the outputs written here, without validating each one alone.

    nbformat checks every new output against the notebook schema, which was a tenth of a
    trainee's grading time; these outputs are built here from fixed shapes and strings, and
    the graded notebook is checked whole against the schema when nbgrader writes it.
    """
    output = NotebookNode(output_type=output_type, metadata=NotebookNode(), data=NotebookNode())
    if output_type == "execute_result":
        output.execution_count = None
    output.update(fields)
    output.data = data
    return output


def reflection_output(text: str, cut: bool) -> NotebookNode:
    """A reflection as the supervisor reads it: plain text, escaped in the HTML view."""
    text = text if text.strip() else NO_REFLECTION
    note = ("\n\n[The reflection reached the length limit; anything written after it was not kept.]"
            if cut else "")
    return new_output("display_data", data={
        "text/plain": f"Reflection:\n\n{text}{note}",
        "text/html": "<div class='tk-reflection'><p><strong>Reflection:</strong></p>"
                     f"<blockquote style='white-space: pre-wrap'>{html.escape(text)}</blockquote>"
                     f"{'<p><em>' + html.escape(note.strip()) + '</em></p>' if cut else ''}</div>"})


def graded_notebook(source: NotebookNode, *, bank: Mapping[str, Vignette], assignment: Assignment | None,
                    submission: Submission) -> NotebookNode:
    """The source notebook with every question cell's output computed from ``submission``.

    A choice cell's output is its score (the number nbgrader saves) with feedback as HTML;
    feedback follows the assignment's mode (review-style when the assignment is unknown).
    """
    mode = assignment.feedback if assignment else FeedbackMode.REVIEW
    pass_mark = assignment.pass_mark if assignment else None
    graded = copy.deepcopy(source)
    results: list[ItemResult] = []
    vignettes: list[Vignette] = []
    reflections: list[ReflectionGrade] = []
    for cell in graded.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        grade_id = _grade_id(cell)
        question = _role(cell).get("question")
        if grade_id in bank and bank[grade_id].kind.is_choice:
            vignette = bank[grade_id]
            answer = submission.answers.get(grade_id)
            result = score_choice(vignette, answer.value if answer else None)
            results.append(result)
            vignettes.append(vignette)
            cell.outputs = [new_output("execute_result", execution_count=None, data={
                "text/plain": repr(float(result.earned)),
                "text/html": item_feedback_html(vignette, result, mode)})]
        elif question in bank and bank[question].kind is Kind.REFLECTION:
            answer = submission.answers.get(question)
            text = answer.value if answer and isinstance(answer.value, str) else ""
            cell.outputs = [reflection_output(text, is_cut(text))]
            vignette = bank[question]
            reflections.append(ReflectionGrade(vignette.id, vignette.heading, vignette.code_section, None,
                                               vignette.points))
    summary = summary_html(vignettes, results, pass_mark=pass_mark, problem=submission.problem,
                           cut_score=assignment is not None and assignment.form_cycle is not None,
                           reflections=reflections)
    for cell in graded.cells:
        if cell.cell_type == "code" and _role(cell).get("role") == "summary":
            # with what the letter needs to say it again once reflections are graded (grading.letter)
            kept = {"problem": submission.problem, "results": [result_record(r) for r in results]}
            cell.outputs = [new_output("display_data", data={"text/plain": "Feedback summary",
                                                             "text/html": summary},
                                       metadata=NotebookNode(trainingkit=kept))]
    return graded


def result_record(result: ItemResult) -> dict[str, object]:
    """A choice's result as JSON the graded notebook keeps (see :func:`result_from_record`)."""
    return {"question_id": result.question_id, "chosen": list(result.chosen), "earned": result.earned,
            "possible": result.possible, "problem": result.problem}


def result_from_record(record: Mapping[str, object]) -> ItemResult:
    """The result :func:`result_record` kept; a record that is not one raises ``ValueError``."""
    try:
        return ItemResult(str(record["question_id"]), tuple(str(c) for c in record["chosen"]),  # type: ignore[attr-defined]
                          float(record["earned"]), float(record["possible"]),  # type: ignore[arg-type]
                          str(record.get("problem", "")))
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a recorded result: {error}") from None
