"""Lesson progress for JupyterLab's Launcher: a small Jupyter Server extension in each person's server.

``GET /trainingkit/progress`` answers, to the person whose server it is (Jupyter Server's own
log-in), the progress lesson 00 shows (:mod:`trainingkit.progress`), read from their own lesson
copies and answers file: ``{"folder": "lessons", "lessons": [{"lesson_id", "title", "path",
"answered", "checks", "done"}, ...]}``. trainingkit's JupyterLab extension draws it as the
Launcher's *Your lessons* cards. The lessons are in ``lessons/`` under the server's root on the
hub and ``workbook/lessons/`` in ``make lab`` (:data:`LESSON_FOLDERS`); with neither, the list is
empty. Nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trainingkit.answers import AnswersFileError, answers_path, read_answers
from trainingkit.progress import lesson_progress, read_lesson_checks

SERVER_EXTENSION = "trainingkit.progress_api"
#: Where a person's lessons may be, under their server's root, in the order looked at.
LESSON_FOLDERS = ("lessons", "workbook/lessons")
ROUTE = "trainingkit/progress"


def lessons_folder(root: Path) -> Path | None:
    """The first of :data:`LESSON_FOLDERS` under ``root`` that holds lesson 00."""
    for name in LESSON_FOLDERS:
        if (root / name / "00-welcome.ipynb").is_file():
            return root / name
    return None


def progress_listing(root: Path) -> dict[str, Any]:
    """What ``GET /trainingkit/progress`` answers for a server whose root is ``root``."""
    folder = lessons_folder(root)
    if folder is None:
        return {"folder": None, "lessons": []}
    try:
        answers = read_answers(answers_path(folder), limit=None)
    except AnswersFileError as error:
        return {"folder": folder.relative_to(root).as_posix(), "lessons": [], "problem": str(error)}
    found = [(path, lesson) for path in sorted(folder.glob("[0-9][0-9]-*.ipynb"))
             if (lesson := read_lesson_checks(path)) is not None]
    progress = lesson_progress([lesson for _, lesson in found], set(answers))
    return {"folder": folder.relative_to(root).as_posix(), "lessons": [
        {"lesson_id": p.lesson_id, "title": p.title, "path": path.relative_to(root).as_posix(),
         "answered": p.answered, "checks": p.checks, "done": p.done} for (path, _), p in zip(found, progress)]}


def _load_jupyter_server_extension(server_app: Any) -> None:
    from jupyter_server.base.handlers import APIHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    root = Path(server_app.root_dir).expanduser()

    class ProgressHandler(APIHandler):
        @web.authenticated
        def get(self) -> None:
            self.finish(json.dumps(progress_listing(root)))

    web_app = server_app.web_app
    web_app.add_handlers(".*$", [(url_path_join(web_app.settings["base_url"], ROUTE), ProgressHandler)])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": SERVER_EXTENSION}]
