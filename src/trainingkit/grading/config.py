"""nbgrader configuration of a trainingkit course, applied from ``coursework/nbgrader_config.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trainingkit.course import COURSE_ID, Course


def configure(c: Any, *, course: Course) -> None:
    """Set every nbgrader option the course relies on."""
    from nbgrader.preprocessors import (
        AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput, DeduplicateIds,
        Execute, IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
    )
    from nbconvert.preprocessors import (
        ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor, TagRemovePreprocessor,
    )
    from nbgrader.preprocessors import GetGrades

    from trainingkit.grading.preprocessors import RecordAnswers, ReportAnswers

    c.CourseDirectory.root = str(course.coursework)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = course.db_url
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                "answers.json.lock", ".answers.json.*.tmp"]
    c.Exchange.root = str(course.exchange_dir)
    c.Exchange.path_includes_course = True

    c.RecordAnswers.bank_dir = str(course.bank_dir)
    c.RecordAnswers.assignments_file = str(course.assignments_file)
    # The order is the point: answers are recorded while sanitizing, before Execute runs
    # any trainee code, and reported right after Execute, before SaveAutoGrades reads them.
    c.Autograde.sanitize_preprocessors = [
        ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, RecordAnswers,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        Execute, ReportAnswers, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = 120
    c.Execute.allow_errors = True
    # Feedback shows question text and results, not the code that draws the widgets.
    c.GenerateFeedback.preprocessors = [
        GetGrades, ClearHiddenTests, TagRemovePreprocessor, CSSHTMLHeaderPreprocessor,
    ]
    c.TagRemovePreprocessor.remove_input_tags = {"trainingkit-widget"}
    c.TagRemovePreprocessor.enabled = True


def course_from_config_file(config_file: str | Path) -> Course:
    """The course whose ``coursework/nbgrader_config.py`` is ``config_file``."""
    return Course(Path(config_file).resolve().parent.parent)
