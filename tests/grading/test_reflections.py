"""The feedback letter shows a reflection's score criterion by criterion, and their sum."""

from __future__ import annotations

import nbformat

from trainingkit.grading.reflections import CriterionScore, ReflectionScores, reflection_lines


def test_the_lines_sum_the_criteria_and_list_each() -> None:
    """Three criteria scored 2, 0.5 and 1 of 2, 1 and 1 give 3.5 of 4, each on its own line."""
    text = reflection_lines([CriterionScore(1, 2.0, 2.0), CriterionScore(2, 0.5, 1.0), CriterionScore(3, 1.0, 1.0)])
    assert "**Your supervisor's score: 3.5 of 4 points**" in text
    assert "* Criterion 1: 2 of 2\n* Criterion 2: 0.5 of 1\n* Criterion 3: 1 of 1" in text


def _graded_notebook() -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("Rubric of r-1", id="dual-120-grade")]
    for number, (score, points) in enumerate([(1.0, 2.0), (1.0, 1.0)], start=1):
        cell = nbformat.v4.new_markdown_cell(f"Criterion {number}", id=f"dual-120-criterion-{number}")
        cell.metadata["nbgrader"] = {"task": True, "grade": False, "grade_id": f"dual-120-criterion-{number}",
                                     "points": points, "score": score}
        cells.append(cell)
    other = nbformat.v4.new_markdown_cell("A plain cell", id="safety-101-scenario")
    return nbformat.v4.new_notebook(cells=[*cells, other])


def test_the_preprocessor_writes_the_breakdown_under_the_rubric_heading_only() -> None:
    """After GetGrades, the rubric heading cell gains the total and each criterion; other cells stay."""
    preprocessor = ReflectionScores()
    assert preprocessor.enabled  # nbconvert runs a disabled preprocessor as a no-op
    notebook, _ = preprocessor(_graded_notebook(), {})
    heading = notebook.cells[0].source
    assert heading.startswith("Rubric of r-1") and "2 of 3 points" in heading and "* Criterion 2: 1 of 1" in heading
    assert [cell.source for cell in notebook.cells[1:]] == ["Criterion 1", "Criterion 2", "A plain cell"]
