"""nbgrader configuration of a trainingkit course, applied from ``coursework/nbgrader_config.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trainingkit.course import COURSE_ID, Course

#: nbgrader's exchange steps on the grader's side of a shared course, and trainingkit's plugin for each.
GRADER_PLUGINS = {step: f"trainingkit.exchange.grader.Store{name}" for step, name in (
    ("release_assignment", "ReleaseAssignment"), ("list", "List"), ("collect", "Collect"),
    ("release_feedback", "ReleaseFeedback"))}
#: ... and on a trainee's side: their own server or terminal, calling the course service.
CLIENT_PLUGINS = {step: f"trainingkit.exchange.client.Service{name}" for step, name in (
    ("fetch_assignment", "FetchAssignment"), ("submit", "Submit"), ("list", "List"),
    ("fetch_feedback", "FetchFeedback"))}


def configure(c: Any, *, course: Course, shared: bool = False) -> None:
    """Set every nbgrader option the course relies on.

    ``shared`` is for a course whose trainees have accounts of their own (the hub): nothing
    then goes through nbgrader's shared exchange folder. Release, collect and release
    feedback work on the course service's store (:mod:`trainingkit.exchange.grader`), which
    trainees reach only through the service, as themselves.
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor, TagRemovePreprocessor
    from nbgrader.preprocessors import AssignLatePenalties, GetGrades

    from trainingkit.grading.preprocessors import GradeFromAnswers, SaveAutoGradesAtOnce

    c.CourseDirectory.root = str(course.coursework)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = course.db_url
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                ".answers.json.lock", "answers.json.lock", ".answers.json.*.tmp"]
    c.Exchange.path_includes_course = True
    if shared:
        for step, plugin in GRADER_PLUGINS.items():
            setattr(c.ExchangeFactory, step, plugin)
        c.StoreExchange.store_root = str(course.course_store)
    else:
        c.Exchange.root = str(course.exchange_dir)
        # nbgrader's folder exchange, but releasing the ethics review's feedback records its results,
        # and the listing gives each fetched letter's score to the Assignments panel
        c.ExchangeFactory.release_feedback = "trainingkit.exchange.grader.FolderReleaseFeedback"
        c.ExchangeFactory.list = "trainingkit.exchange.folder.FolderList"

    # Grading runs nothing a trainee submitted: the sanitizing stage replaces the submitted
    # notebook by the source notebook with scores written from the answers file, and the
    # grading stage only saves those scores (in one transaction per notebook). No Execute, so no kernel ever starts.
    c.GradeFromAnswers.bank_dir = str(course.bank_dir)
    c.GradeFromAnswers.assignments_file = str(course.assignments_file)
    c.GradeFromAnswers.source_dir = str(course.source_dir)
    c.Autograde.sanitize_preprocessors = [GradeFromAnswers]
    # The autograded copies hold trainees' answers and scores: the grader's to read, no one else's
    # (nbgrader's default, 444, lets every account on the machine read them).
    c.Autograde.permissions = 400
    c.Autograde.autograde_preprocessors = [SaveAutoGradesAtOnce, AssignLatePenalties]
    # Feedback shows question text and results, not the code that draws the widgets. (No
    # ClearHiddenTests: no trainingkit notebook has hidden tests, and nbgrader's preprocessor
    # warned "display_data_priority not recognized" in every Generate Feedback dialog.)
    from trainingkit.grading.letter import CompleteLetter
    from trainingkit.grading.reflections import ReflectionScores

    # CompleteLetter reads the grades and comments GetGrades writes into the notebook;
    # ReflectionScores adds each reflection's criterion scores and sum under its rubric heading.
    c.GenerateFeedback.preprocessors = [GetGrades, CompleteLetter, ReflectionScores, TagRemovePreprocessor,
                                        CSSHTMLHeaderPreprocessor]
    c.TagRemovePreprocessor.remove_input_tags = {"trainingkit-widget"}
    c.TagRemovePreprocessor.enabled = True
    # ...and reads as a letter: trainingkit's template over nbgrader's (grading/templates/),
    # set on an exporter of its own so the formgrader keeps its own template.
    import nbgrader

    from trainingkit.grading.letter import FeedbackLetterExporter

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    c.CompleteLetter.settings_file = str(course.settings_file)  # the course's time zone
    c.GenerateFeedback.exporter_class = FeedbackLetterExporter
    c.FeedbackLetterExporter.template_name = "trainingkit-feedback"
    c.FeedbackLetterExporter.exclude_anchor_links = True  # no "¶" beside every heading
    c.FeedbackLetterExporter.extra_template_basedirs = [str(Path(__file__).with_name("templates"))]
    # where our template finds nbgrader's feedback/index.html.j2, and the bootstrap css it includes
    c.FeedbackLetterExporter.extra_template_paths = [
        str(formgrader / "templates"), str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    # The formgrader's grading page: nbgrader's 'formgrade' template without MathJax from the
    # internet. This file is read after the formgrader's own settings, so these win.
    c.HTMLExporter.template_name = "trainingkit-formgrade"
    c.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates"), str(Path(__file__).with_name("templates"))]
    c.HTMLExporter.extra_template_paths = [str(formgrader / "templates")]


def course_from_config_file(config_file: str | Path) -> Course:
    """The course whose ``coursework/nbgrader_config.py`` is ``config_file``."""
    return Course(Path(config_file).resolve().parent.parent)
