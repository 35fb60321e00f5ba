"""The feedback letter a trainee reads: its exporter, and the step that completes it.

:class:`CompleteLetter` runs in ``nbgrader generate_feedback`` after nbgrader's ``GetGrades``
(which writes the gradebook's scores and comments into the notebook): it leaves out the
cells that only speak to someone answering (tagged :data:`NOT_IN_LETTER`), writes the
summary again with each reflection's grade and the supervisor's comment, and gives the
template (``templates/trainingkit-feedback``) the assignment's title, the submission time
in the course's time zone to the minute, the score in words and each reflection's grade.

The course's time zone is one setting, ``time_zone`` in ``coursework/course.yaml``
(:mod:`trainingkit.course_settings`; an IANA name such as ``Europe/London``); unset, it is the
grading machine's own zone. A file or name that cannot be used (course.yaml edited after the
build) stops Generate Feedback before it touches any feedback folder, in one line naming the file,
the setting and what to do (:func:`refusal`); letters generated before are kept, none is written.

:class:`FeedbackLetterExporter` is a class of its own so that its template applies to
feedback only: the formgrader keeps rendering submissions with nbgrader's template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.converters.base import NbGraderException
from traitlets import Bool, Unicode

from trainingkit.bank.model import Kind, Vignette
from trainingkit.course_settings import CourseSettingsError, read_course_settings
from trainingkit.criteria import item_of_cell
from trainingkit.grading.feedback import ReflectionGrade, points, summary_html
from trainingkit.grading.graded import result_from_record
from trainingkit.render.cells import NOT_IN_LETTER


class FeedbackLetterExporter(HTMLExporter):
    """nbgrader's feedback page, rendered as a letter to the trainee."""


class LetterRefused(NbGraderException):
    """No letter can be written as the course is set; the message is one line saying why and what to do.

    An :class:`NbGraderException`, so ``nbgrader generate_feedback`` ends with status 1 and the
    logged line alone; the formgrader shows that line instead of a traceback
    (:func:`trainingkit.grading.formgrader.plain_feedback_result`).
    """


def refusal(error: CourseSettingsError) -> str:
    """The one line Generate Feedback ends with when the course's settings cannot be used (``error`` names the
    file, the setting and the value). Pure."""
    return (f"{error}. Correct that file (time_zone left empty uses this machine's zone) and generate the "
            "feedback again: no letter was written, and letters generated before are kept.")


def submitted_words(when: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """When a submission arrived, as a person reads it: local time (``zone``, else this machine's), to the minute.

    A time without a zone is UTC (as nbgrader's gradebook keeps it).
    """
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    local = when.astimezone(zone)
    return f"on {local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({local.tzname()})"


def score_words(score: float, max_score: float, waiting: int) -> str:
    """The letter's score line: points in words, and "so far" while reflections wait for the supervisor."""
    if not waiting:
        return f"Your score: {points(score)} of {points(max_score)} points."
    return (f"Your score so far: {points(score)} of {points(max_score)} points; your supervisor has "
            f"{waiting} written reflection{'s' if waiting != 1 else ''} still to grade.")


def reflection_grades(cells: Sequence[NotebookNode], bank: Mapping[str, Vignette]) -> list[ReflectionGrade]:
    """Each reflection's grade and comments, from the task cells ``GetGrades`` filled in: one per rubric
    criterion (:mod:`trainingkit.criteria`), summed; not graded while any criterion waits for a score."""
    scores: dict[str, list[float | None]] = {}
    comments: dict[str, list[str]] = {}
    for cell in cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        item, number = item_of_cell(str(nbgrader.get("grade_id", "")))
        vignette = bank.get(item)
        if not nbgrader.get("task") or vignette is None or vignette.kind is not Kind.REFLECTION:
            continue
        score = nbgrader.get("score")
        scores.setdefault(item, []).append(None if score is None else float(score))
        comment = str(nbgrader.get("comment") or "").strip()
        if comment:
            comments.setdefault(item, []).append(f"Criterion {number}: {comment}" if number else comment)
    grades = []
    for item, given in scores.items():
        vignette = bank[item]
        earned = None if any(score is None for score in given) else sum(given)  # type: ignore[arg-type]
        grades.append(ReflectionGrade(vignette.id, vignette.heading, vignette.code_section, earned, vignette.points,
                                      "\n".join(comments.get(item, []))))
    return grades


class CompleteLetter(Preprocessor):
    """Make the feedback notebook a letter: no instructions, reflections' grades in the summary.

    An nbconvert preprocessor (not nbgrader's base class, whose ``display_data_priority``
    takes no configuration, so the exporter's setting of it was logged as not recognised).
    """

    enabled = Bool(True, help="On by default, as nbgrader's own preprocessors are.").tag(config=True)
    settings_file = Unicode("", help="The course's settings (coursework/course.yaml), for its time zone; "
                                     "configure() sets it.").tag(config=True)

    def __init__(self, **kwargs: object) -> None:
        """Read the course's time zone once, as nbgrader makes this step: before any feedback folder is touched."""
        super().__init__(**kwargs)
        self.zone: dt.tzinfo | None = None
        if self.settings_file:
            try:
                self.zone = read_course_settings(Path(self.settings_file)).zone
            except CourseSettingsError as error:
                line = refusal(error)
                self.log.error(line)
                raise LetterRefused(line) from None

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        from trainingkit.grading.preprocessors import GradeFromAnswers

        names = resources["nbgrader"]
        bank, assignments, _problem = GradeFromAnswers(config=self.config)._course_material()
        assignment = assignments.get(names["assignment"])
        nb.cells = [cell for cell in nb.cells if NOT_IN_LETTER not in cell.metadata.get("tags", [])]
        reflections = reflection_grades(nb.cells, bank)
        for cell in nb.cells:
            if cell.cell_type != "code" or cell.metadata.get("trainingkit", {}).get("role") != "summary":
                continue
            for output in cell.get("outputs", []):
                kept = output.get("metadata", {}).get("trainingkit", {})
                if "results" not in kept or "text/html" not in output.get("data", {}):
                    continue
                try:
                    results = [result_from_record(record) for record in kept["results"]]
                    vignettes = [bank[result.question_id] for result in results]
                except (KeyError, ValueError) as error:
                    self.log.warning("%s: the summary is kept as grading wrote it (%s)", names["student"], error)
                    continue
                output.data["text/html"] = summary_html(
                    vignettes, results, pass_mark=assignment.pass_mark if assignment else None,
                    problem=str(kept.get("problem", "")), reflections=reflections,
                    cut_score=assignment is not None and assignment.form_cycle is not None)
        resources["trainingkit"] = {
            "title": assignment.title if assignment else names["assignment"],
            "submitted": self._submitted(names),
            "score_sentence": score_words(float(names.get("score") or 0), float(names.get("max_score") or 0),
                                          sum(1 for grade in reflections if not grade.graded)),
        }
        return nb, resources

    def _submitted(self, names: Mapping[str, object]) -> str:
        from nbgrader.api import Gradebook, MissingEntry

        try:
            with Gradebook(str(names["db_url"])) as gradebook:
                when = gradebook.find_submission(str(names["assignment"]), str(names["student"])).timestamp
        except MissingEntry:
            return ""
        if not when:
            return ""
        return submitted_words(when, self.zone)
