"""Grading: every score computed from the submitted answers file, and nothing submitted run.

:mod:`~trainingkit.grading.config` sets nbgrader's Autograde pipeline to one preprocessor,
:mod:`~trainingkit.grading.preprocessors`, which reads the answers as data and builds the
graded notebook from the trusted source notebook (:mod:`~trainingkit.grading.graded`),
with strengths-first feedback (:mod:`~trainingkit.grading.feedback`). Generating feedback
turns that notebook into the letter a trainee reads (:mod:`~trainingkit.grading.letter`):
the supervisor's grades and comments of the reflections join the summary.
"""
