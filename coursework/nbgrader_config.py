# nbgrader configuration of the trainingkit course. All settings live in
# trainingkit.grading.config so that they are tested; this file only points at it.
from trainingkit.grading.config import configure, course_from_config_file

configure(get_config(), course=course_from_config_file(__file__))  # noqa: F821 - provided by nbgrader
