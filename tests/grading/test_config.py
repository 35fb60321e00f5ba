"""The course's nbgrader settings are all understood by the classes they are meant for."""

from __future__ import annotations

import logging

from traitlets.config import Config

from trainingkit.course import Course
from trainingkit.grading.config import configure
from trainingkit.grading.letter import FeedbackLetterExporter


def test_generating_feedback_logs_no_unrecognised_setting(project: Course, caplog) -> None:
    """Every feedback preprocessor takes the exporter's settings without 'not recognized' warnings."""
    c = Config()
    configure(c, course=project)
    config = Config(FeedbackLetterExporter().default_config)
    config.merge(c)
    logger = logging.getLogger("tk-config-test")
    with caplog.at_level(logging.WARNING, logger="tk-config-test"):
        for preprocessor in c.GenerateFeedback.preprocessors:
            preprocessor(config=config, log=logger)
    assert not [r.message for r in caplog.records if "not recognized" in r.message]
