"""The formgrader in a supervisor's words: a server extension beside nbgrader's formgrader.

nbgrader calls an autograded answer that scored below full marks a failed test, so its
submission lists showed "Tests Failed? ✓" beside a trainee who had simply chosen a wrong
option, and split scores into "Code", "Written" and "Task" scores: in a trainingkit
notebook those are the chosen answers, nothing, and the reflections' rubric criteria.
This extension rewrites those column headings in the formgrader's own templates as they load (nbgrader keeps them in one jinja environment,
``nbgrader_jinja2_env``). Jupyter Server loads extensions in name order, so nbgrader's
formgrader is in place when this one loads; where no formgrader runs it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import BaseLoader, Environment

SERVER_EXTENSION = "trainingkit.grading.formgrader"
#: nbgrader's column headings -> ours, in the formgrader's lists (``<th class="text-center">...</th>``).
WORDS = {
    "Tests Failed?": "Points lost on a choice?",
    "Tests failed?": "Points lost on a choice?",
    "Code Score": "Chosen answers",
    "Avg. Code Score": "Avg. chosen answers",
    "Written Score": "Other written answers",
    "Avg. Written Score": "Avg. other written answers",
    "Task Score": "Reflections (rubric criteria)",
    "Avg. Task Score": "Avg. reflections (rubric criteria)",
    "Needs Manual Grade?": "Reflection to grade?",
    "Needs manual grade?": "Reflection to grade?",
    "Student ID": "Trainee's account",
    "Student Name": "Trainee",
}
HEADINGS = {f"<th class=\"text-center\">{theirs}</th>": f"<th class=\"text-center\">{ours}</th>"
            for theirs, ours in WORDS.items()}


class Reworded(BaseLoader):
    """A template loader that hands out another loader's templates with ``HEADINGS`` replaced."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        for theirs, ours in HEADINGS.items():
            source = source.replace(theirs, ours)
        return source, filename, uptodate


def _load_jupyter_server_extension(server_app: Any) -> None:
    environment = server_app.web_app.settings.get("nbgrader_jinja2_env")
    if environment is None:
        server_app.log.debug("trainingkit: no formgrader in this server, nothing to reword")
        return
    if not isinstance(environment.loader, Reworded):
        environment.loader = Reworded(environment.loader)
    server_app.log.info("trainingkit: the formgrader's submission lists use the course's words")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": SERVER_EXTENSION}]
