"""nbgrader preprocessors that score choice items outside the trainee's kernel.

* :class:`RecordAnswers` runs while nbgrader *sanitizes* a submission. The first
  time it runs in an nbgrader process, before any notebook has executed, it reads
  the bank and *every* trainee's submitted ``answers.json`` into memory, so code
  run for one trainee cannot change what is scored for the next. It scores the
  trainee's answers against the bank and keeps the results in the notebook's
  metadata (which lives in nbgrader's own process from then on).
* :class:`ReportAnswers` runs right after nbgrader executes the notebook. It
  replaces the outputs of every question cell with the recorded results, so
  whatever a trainee's code printed, changed or rewrote during execution, the
  score nbgrader saves is the one computed from the submitted answers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from trainingkit.answers import AnswersFileError, answers_path, parse_answers
from trainingkit.assignments import Assignment, AssignmentError, FeedbackMode, load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Kind, Vignette
from trainingkit.grading.feedback import item_feedback_html, summary_html
from trainingkit.scoring import ItemResult, score_choice

METADATA_KEY = "trainingkit_results"


def _grade_id(cell: NotebookNode) -> str | None:
    nbgrader = cell.metadata.get("nbgrader", {})
    return nbgrader.get("grade_id") if nbgrader.get("grade") else None


@dataclass(frozen=True)
class _Snapshot:
    """The bank, assignments and submitted answers as they were before any trainee code ran."""

    bank: dict[str, Vignette]
    assignments: dict[str, Assignment]
    assignments_problem: str
    answers: dict[str, bytes | None]


_SNAPSHOTS: dict[tuple[str, str, str], _Snapshot] = {}


def snapshot_key(bank_dir: str, submitted: Path, assignment_id: str) -> tuple[str, str, str]:
    """The key under which ``_SNAPSHOTS`` keeps one assignment's bank and submitted answers."""
    return (bank_dir, str(submitted), assignment_id)


def preload_snapshot(*, bank_dir: str, assignments_file: str, submitted: Path,
                     assignment_id: str) -> tuple[str, str, str]:
    """Take the snapshot RecordAnswers would take, now, before any notebook executes.

    A parent process calls this before it forks grading workers: each worker inherits
    the snapshot and never reads answers from disk after trainee code has run.
    ``submitted`` must be the resolved submitted folder; returns the snapshot's key.
    """
    key = snapshot_key(bank_dir, submitted, assignment_id)
    if key not in _SNAPSHOTS:
        _SNAPSHOTS[key] = _take_snapshot(bank_dir, assignments_file, submitted, assignment_id)
    return key


def _take_snapshot(bank_dir: str, assignments_file: str, submitted: Path, assignment_id: str) -> _Snapshot:
    bank = load_bank(bank_dir)
    try:
        assignments, problem = load_assignments(assignments_file, bank), ""
    except AssignmentError as error:
        assignments, problem = {}, str(error)
    answers: dict[str, bytes | None] = {}
    for folder in sorted(submitted.glob(f"*/{assignment_id}")):
        path = answers_path(folder)
        answers[folder.parent.name] = path.read_bytes() if path.is_file() else None
    return _Snapshot(bank, assignments, problem, answers)


class RecordAnswers(NbGraderPreprocessor):
    """Score the submitted answers file against the bank, before any trainee code runs."""

    bank_dir = Unicode(help="Folder of the vignette bank (YAML files).").tag(config=True)
    assignments_file = Unicode(help="The course's assignments.yaml.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        assignment_id = resources["nbgrader"]["assignment"]
        student = resources["nbgrader"]["student"]
        folder = Path(resources["metadata"]["path"]).resolve()
        cache_key = preload_snapshot(bank_dir=self.bank_dir, assignments_file=self.assignments_file,
                                     submitted=folder.parent.parent, assignment_id=assignment_id)
        snapshot = _SNAPSHOTS[cache_key]
        bank = snapshot.bank
        assignment = snapshot.assignments.get(assignment_id)
        if assignment is None:
            self.log.warning("%s: %s; giving review-style feedback", assignment_id,
                             snapshot.assignments_problem or "not in the assignments file")
        mode = assignment.feedback if assignment else FeedbackMode.REVIEW
        pass_mark = assignment.pass_mark if assignment else None

        raw = snapshot.answers.get(student)
        problem = ""
        answers = {}
        if raw is None:
            problem = "no answers were saved with this submission"
        else:
            try:
                answers = parse_answers(raw, answers_path(folder))
            except AnswersFileError as error:
                self.log.warning("Unreadable answers file for %s: %s", student, error)
                problem = ("your answers file could not be read, so no choice could be scored; "
                           "please talk to your supervisor, who can see the file you submitted")

        items: dict[str, Any] = {}
        results: list[ItemResult] = []
        vignettes = []
        reflections: dict[str, str] = {}
        for cell in nb.cells:
            grade_id = _grade_id(cell)
            if cell.cell_type == "code" and grade_id in bank and bank[grade_id].kind.is_choice:
                vignette = bank[grade_id]
                answer = answers.get(grade_id)
                result = score_choice(vignette, answer.value if answer else None)
                results.append(result)
                vignettes.append(vignette)
                items[grade_id] = {"earned": result.earned, "possible": result.possible,
                                   "html": item_feedback_html(vignette, result, mode)}
            question = cell.metadata.get("trainingkit", {}).get("question")
            if question in bank and bank[question].kind is Kind.REFLECTION:
                answer = answers.get(question)
                text = answer.value if answer and isinstance(answer.value, str) else ""
                reflections[question] = text
        nb.metadata[METADATA_KEY] = {
            "items": items,
            "reflections": reflections,
            "summary_html": summary_html(vignettes, results, pass_mark=pass_mark, problem=problem),
        }
        return nb, resources


class ReportAnswers(NbGraderPreprocessor):
    """Write the recorded results as the outputs of the question cells, after execution."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        recorded = nb.metadata.pop(METADATA_KEY, None)
        if recorded is None:
            raise RuntimeError("RecordAnswers must run while sanitizing, before ReportAnswers")
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            grade_id = _grade_id(cell)
            role = cell.metadata.get("trainingkit", {})
            if grade_id in recorded["items"]:
                item = recorded["items"][grade_id]
                cell.outputs = [new_output("execute_result", execution_count=cell.get("execution_count"),
                                           data={"text/plain": repr(float(item["earned"])),
                                                 "text/html": item["html"]})]
            elif role.get("question") in recorded["reflections"]:
                text = recorded["reflections"][role["question"]] or "(no reflection written)"
                cell.outputs = [new_output("display_data", data={
                    "text/plain": f"Reflection:\n\n{text}",
                    "text/html": f"<div class='tk-reflection'><p><strong>Reflection:</strong></p>"
                                 f"<blockquote>{html.escape(text)}</blockquote></div>"})]
            elif role.get("role") == "summary":
                cell.outputs = [new_output("display_data", data={
                    "text/plain": "Feedback summary", "text/html": recorded["summary_html"]})]
        return nb, resources
