"""The formgrader in a supervisor's words: a server extension beside nbgrader's formgrader.

nbgrader calls an autograded answer that scored below full marks a failed test, so its
submission lists showed "Tests Failed? ✓" beside a trainee who had simply chosen a wrong
option, and split scores into "Code", "Written" and "Task" scores: in a trainingkit
notebook those are the chosen answers, nothing, and the reflections' rubric criteria.
This extension rewrites those column headings in the formgrader's own templates as they load (nbgrader keeps them in one jinja environment,
``nbgrader_jinja2_env``). Jupyter Server loads extensions in name order, so nbgrader's
formgrader is in place when this one loads; where no formgrader runs it does nothing.

Names: nbgrader's list scripts join a trainee's names as "last, first" and print "None" for a
missing one, so a one-word roster name ("Ben", kept as last name Ben and no first name)
showed as "Ben, None", and nobody's name as "None, None". The three lists that show names
(submissions, manual grading, students) get their script inline with that join replaced by
:data:`NAME_JS`: the names there are, else the account. The manual grading list's hidden
names read "Trainee #N", as the grading page's do. Each change is made only if nbgrader's
script still holds the exact text it replaces; otherwise the page keeps nbgrader's script as
it is (tests/grading/test_formgrader.py fails first).

The grading page (``trainingkit-formgrade``) names the trainee the same way: the one-word "Ben"
where nbgrader showed the account, "Trainee #N" while names are hidden.

Generate Feedback: when trainingkit refuses to write letters (:class:`trainingkit.grading.letter.LetterRefused`,
such as a time zone in ``course.yaml`` that zoneinfo does not know), nbgrader's API hands the
formgrader a Python traceback to show. This extension answers the two Generate Feedback routes
before nbgrader does, with nbgrader's own handlers, and gives the page that refusal's one line
instead (:func:`plain_feedback_result`); any other answer passes unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
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
#: ... in a centred heading, and in a plain one (the submissions list's first column, "Student Name").
HEADINGS = {f"<th{kind}>{theirs}</th>": f"<th{kind}>{ours}</th>"
            for theirs, ours in WORDS.items() for kind in (' class="text-center"', "")}


#: How a list shows a trainee: "last, first" as nbgrader does, whichever of them exists, else the account.
NAME_JS = """function trainingkitName(last, first, account) {
    var parts = [last, first].filter(function (part) { return part !== null && part !== undefined && String(part).trim() !== ""; });
    return parts.length ? parts.join(", ") : account;
}
"""
_NONE_LAST = '        if (last_name === null) last_name = "None";\n'
_NONE_FIRST = '        if (first_name === null) first_name = "None";\n'
_JOINED = 'var name = last_name + ", " + first_name;'
#: Template -> (nbgrader's script it loads, [(text in that script, what replaces it)]).
SCRIPTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "manage_submissions.tpl": ("manage_submissions.js", (
        (_NONE_LAST, ""), (_NONE_FIRST, ""), (_JOINED, "var name = trainingkitName(last_name, first_name, student);"))),
    "manage_students.tpl": ("manage_students.js", (
        (_NONE_LAST, ""), (_NONE_FIRST, ""),
        (_JOINED, 'var name = trainingkitName(last_name, first_name, this.model.get("id"));'))),
    "gradebook_notebook_submissions.tpl": ("gradebook_notebook_submissions.js", (
        ('var name = this.model.get("student");\n'
         '        if (last_name !== null && first_name !== null) {\n'
         '            name = last_name + ", " + first_name\n'
         '        }\n',
         'var name = trainingkitName(last_name, first_name, this.model.get("student"));\n'),
        ('.text("Submission #" + ', '.text("Trainee #" + '),
        ('"Show student name"', '"Show the trainee\'s name"'),
        ('"Hide student name"', '"Hide the trainee\'s name"'))),
}


def nbgrader_script(name: str) -> Path:
    """Where nbgrader keeps the formgrader's script ``name``."""
    import nbgrader

    return Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "static" / "js" / name


def patched_script(original: str, changes: tuple[tuple[str, str], ...]) -> str | None:
    """``original`` with every change made and :data:`NAME_JS` before it; None if any text to change is missing. Pure."""
    for theirs, ours in changes:
        if theirs not in original:
            return None
        original = original.replace(theirs, ours)
    return NAME_JS + original


def inline_script(source: str, template: str) -> str:
    """A template's ``source`` with the script :data:`SCRIPTS` names inline and changed (as it was if that fails)."""
    script, changes = SCRIPTS[template]
    tag = f'<script src="{{{{ base_url }}}}/formgrader/static/js/{script}"></script>'
    try:
        changed = patched_script(nbgrader_script(script).read_text(encoding="utf-8"), changes)
    except OSError:
        changed = None
    if tag not in source or changed is None or "{% endraw %}" in changed or "</script" in changed:
        return source
    return source.replace(tag, "<script>{% raw %}" + changed + "{% endraw %}</script>")


class Reworded(BaseLoader):
    """A template loader that hands out another loader's templates with ``HEADINGS`` replaced."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        for theirs, ours in HEADINGS.items():
            source = source.replace(theirs, ours)
        if template in SCRIPTS:
            source = inline_script(source, template)
        return source, filename, uptodate


#: How a :class:`trainingkit.grading.letter.LetterRefused` ends the traceback nbgrader's API returns.
REFUSED = "trainingkit.grading.letter.LetterRefused: "


def plain_feedback_result(response: str) -> str:
    """nbgrader's JSON answer to Generate Feedback, with a trainingkit refusal's traceback replaced by its one line
    (as the log, so the formgrader's dialog shows it and no "Traceback" panel); any other answer unchanged. Pure."""
    try:
        result = json.loads(response)
    except ValueError:
        return response
    error = result.get("error") if isinstance(result, dict) else None
    lines = error.strip().splitlines() if isinstance(error, str) else []
    if not lines or not lines[-1].startswith(REFUSED):
        return response
    return json.dumps({"success": False, "log": lines[-1][len(REFUSED):]})


class PlainFeedback:
    """Mixed into nbgrader's Generate Feedback handlers: what they write passes :func:`plain_feedback_result`."""

    def write(self, chunk: Any) -> None:
        super().write(plain_feedback_result(chunk) if isinstance(chunk, str) else chunk)  # type: ignore[misc]


def plain_feedback_handlers(base_url: str) -> list[tuple[str, type]]:
    """nbgrader's two Generate Feedback routes, served by its handlers with :class:`PlainFeedback` mixed in."""
    from jupyter_server.utils import url_path_join
    from nbgrader.server_extensions.formgrader import apihandlers

    return [(url_path_join(base_url, pattern.lstrip("/")), type(f"Plain{handler.__name__}", (PlainFeedback, handler), {}))
            for pattern, handler in apihandlers.default_handlers
            if handler in (apihandlers.GenerateFeedbackHandler, apihandlers.GenerateAllFeedbackHandler)]


def _load_jupyter_server_extension(server_app: Any) -> None:
    web_app = server_app.web_app
    environment = web_app.settings.get("nbgrader_jinja2_env")
    if environment is None:
        server_app.log.debug("trainingkit: no formgrader in this server, nothing to reword")
        return
    if not isinstance(environment.loader, Reworded):
        environment.loader = Reworded(environment.loader)
        # ahead of nbgrader's routes: tornado takes the first rule that matches, and add_handlers puts a new one
        # just before the last
        web_app.add_handlers(".*$", plain_feedback_handlers(web_app.settings.get("base_url", "/")))
        rules = web_app.default_router.rules
        rules.insert(0, rules.pop(-2))
    server_app.log.info("trainingkit: the formgrader's submission lists use the course's words")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": SERVER_EXTENSION}]
