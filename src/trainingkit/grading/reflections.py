"""A reflection's score in the feedback letter: each rubric criterion's score, and their sum.

nbgrader keeps one grade per rubric criterion (:mod:`trainingkit.criteria`) and shows each
criterion's cell with its own score. :class:`ReflectionScores` runs in Generate Feedback
after nbgrader's ``GetGrades`` (which writes each cell's score into its metadata) and adds,
under the reflection's rubric heading, one line per criterion and the reflection's total,
so the trainee reads the breakdown in one place. Built from the course's own rubric text and
the gradebook's numbers only; nothing a trainee wrote is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from trainingkit.criteria import item_of_cell

__all__ = ["CriterionScore", "ReflectionScores", "reflection_lines"]


@dataclass(frozen=True)
class CriterionScore:
    """One rubric criterion's grade: its number, its score and its points.

    nbgrader gives a criterion nobody has scored 0, and so does the letter (feedback is
    generated once grading is done).
    """

    number: int
    score: float
    points: float


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def reflection_lines(criteria: Sequence[CriterionScore]) -> str:
    """Markdown: the reflection's total, then each criterion's score."""
    total = sum(c.score for c in criteria)
    points = sum(c.points for c in criteria)
    lines = "\n".join(f"* Criterion {c.number}: {_points(c.score)} of {_points(c.points)}" for c in criteria)
    return (f"**Your supervisor's score: {_points(total)} of {_points(points)} points**, "
            f"criterion by criterion:\n\n{lines}\n")


class ReflectionScores(Preprocessor):
    """Add each reflection's criterion scores and total under its rubric heading (``ITEM-grade``).

    On by default: nbconvert runs a preprocessor that is not enabled as a no-op.
    """

    enabled = Bool(True, help="Add the criterion lines to the letter.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        by_item: dict[str, list[CriterionScore]] = {}
        for cell in nb.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if not nbgrader.get("task"):
                continue
            item, number = item_of_cell(str(nbgrader.get("grade_id", "")))
            if number is None:
                continue
            by_item.setdefault(item, []).append(CriterionScore(
                number, float(nbgrader.get("score") or 0), float(nbgrader.get("points") or 0)))
        for cell in nb.cells:
            item = cell.get("id", "")
            if cell.cell_type == "markdown" and item.endswith("-grade") and item[:-len("-grade")] in by_item:
                criteria = sorted(by_item[item[:-len("-grade")]], key=lambda c: c.number)
                cell.source = cell.source.rstrip() + "\n\n" + reflection_lines(criteria)
        return nb, resources
