"""The formgrader's lists speak the course's words: points lost on a choice, chosen answers and reflections."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from nbgrader.server_extensions.formgrader import apihandlers, handlers
from tornado import web
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from trainingkit.grading.formgrader import (
    REFUSED, SERVER_EXTENSION, PlainFeedback, Reworded, _load_jupyter_server_extension, plain_feedback_result,
)

LISTS = ("gradebook_notebook_submissions.tpl", "manage_students_notebook_submissions.tpl")
SCORE_LISTS = (*LISTS, "gradebook_notebooks.tpl", "manage_students_assignments.tpl")


def test_nbgrader_templates_still_carry_the_headings_we_reword() -> None:
    """nbgrader's own templates hold the 'Tests failed' headings (so the rewording has work to do)."""
    for name in LISTS:
        source = (Path(handlers.template_path) / name).read_text()
        assert "<th class=\"text-center\">Tests " in source, name


def test_the_reworded_lists_name_points_lost_and_no_tests() -> None:
    environment = Environment(loader=Reworded(FileSystemLoader([handlers.template_path])))
    for name in LISTS:
        source, _, _ = environment.loader.get_source(environment, name)
        assert "Tests failed" not in source.lower() and "Points lost on a choice?" in source, name


def test_the_reworded_lists_name_chosen_answers_and_reflections_not_code_or_tasks() -> None:
    """No list says Code, Written or Task Score or Needs Manual Grade: chosen answers and reflections instead."""
    environment = Environment(loader=Reworded(FileSystemLoader([handlers.template_path])))
    for name in SCORE_LISTS:
        source, _, _ = environment.loader.get_source(environment, name)
        source = re.sub(r"\{% raw %\}.*?\{% endraw %\}", "", source, flags=re.S)  # nbgrader's script, inlined
        for theirs in ("Code Score", "Written Score", "Task Score", "anual Grade?", "anual grade?"):
            assert theirs not in source, (name, theirs)
        assert "chosen answers" in source.lower() and "reflections (rubric criteria)" in source.lower(), name


class _Server:
    """A server as the extension meets it: a real tornado application (with nbgrader's API routes when a formgrader
    runs), and a logger."""

    log = logging.getLogger("tests.formgrader")

    def __init__(self, settings: dict) -> None:
        self.web_app = web.Application([], base_url="/", **settings)
        if "nbgrader_jinja2_env" in settings:
            self.web_app.add_handlers(".*$", apihandlers.default_handlers)


def _handler(server: _Server, method: str, path: str) -> type:
    request = HTTPServerRequest(start_line=RequestStartLine(method, path, "HTTP/1.1"),
                                headers=HTTPHeaders({"Host": "localhost"}))
    return server.web_app.default_router.find_handler(request).handler_class


def test_loading_the_extension_twice_rewords_once_and_a_server_without_formgrader_is_untouched() -> None:
    environment = Environment(loader=FileSystemLoader([handlers.template_path]))
    server = _Server({"nbgrader_jinja2_env": environment})
    _load_jupyter_server_extension(server)
    _load_jupyter_server_extension(server)
    assert isinstance(environment.loader, Reworded) and not isinstance(environment.loader.inner, Reworded)
    bare = _Server({})
    rules = list(bare.web_app.default_router.rules)
    _load_jupyter_server_extension(bare)
    assert bare.web_app.default_router.rules == rules


def test_generate_feedback_is_answered_by_nbgraders_handlers_with_a_refusal_made_plain_and_nothing_else_moves() -> None:
    """The two Generate Feedback routes reach nbgrader's handlers with PlainFeedback mixed in; other routes are
    nbgrader's own handlers as before."""
    server = _Server({"nbgrader_jinja2_env": Environment(loader=FileSystemLoader([handlers.template_path]))})
    _load_jupyter_server_extension(server)
    one = _handler(server, "POST", "/formgrader/api/assignment/practice-scope/ada/generate_feedback")
    every = _handler(server, "POST", "/formgrader/api/assignment/practice-scope/generate_feedback")
    assert issubclass(one, PlainFeedback) and issubclass(one, apihandlers.GenerateFeedbackHandler)
    assert issubclass(every, PlainFeedback) and issubclass(every, apihandlers.GenerateAllFeedbackHandler)
    assert _handler(server, "POST", "/formgrader/api/assignment/practice-scope/ada/release_feedback") \
        is apihandlers.ReleaseFeedbackHandler


def test_a_refusal_reaches_the_formgrader_as_its_one_line_and_any_other_answer_as_nbgrader_gave_it() -> None:
    """A traceback ending in LetterRefused becomes the refusal's line as the log, with no error; others pass."""
    from trainingkit.grading.letter import LetterRefused

    assert REFUSED == f"{LetterRefused.__module__}.{LetterRefused.__qualname__}: "
    line = "/c/course.yaml: time_zone: 'Mars/Olympus_Mons' is not a time zone name ... generate the feedback again"
    refused = json.dumps({"success": False, "log": f"[ERROR] {line}\n",
                          "error": f"Traceback (most recent call last):\n  File \"x.py\", line 1\n{REFUSED}{line}\n"})
    assert json.loads(plain_feedback_result(refused)) == {"success": False, "log": line}
    other = json.dumps({"success": False, "error": "Traceback (most recent call last):\nKeyError: 'x'\n"})
    for answer in (other, json.dumps({"success": True, "log": "done"}), "not json"):
        assert plain_feedback_result(answer) == answer


def test_make_lab_switches_the_extension_on(course_copy, tmp_path: Path) -> None:
    from trainingkit.lab import write_jupyter_config

    env = write_jupyter_config(course_copy, tmp_path / "jupyter")
    server = json.loads((Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"][SERVER_EXTENSION] is True


def test_the_grading_page_names_every_box_a_supervisor_fills_in_by_its_item() -> None:
    """With the course's formgrade template, each score, extra-credit and comment box carries a label naming its item."""
    import nbformat
    import nbgrader
    from nbconvert import HTMLExporter

    from trainingkit.grading import config

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    exporter = HTMLExporter(template_name="trainingkit-formgrade",
                            extra_template_basedirs=[str(formgrader / "templates"),
                                                     str(Path(config.__file__).with_name("templates"))],
                            extra_template_paths=[str(formgrader / "templates")])
    graded = {"grade": True, "solution": True, "grade_id": "refl-001", "points": 2, "schema_version": 3}
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("My reflection", metadata={"nbgrader": graded}),
        nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {**graded, "solution": False, "grade_id": "code-1",
                                                                    "points": 1}})])
    page, _ = exporter.from_notebook_node(notebook, resources={"base_url": "", "index": 0, "total": 1})
    boxes = re.findall(r"<(?:input|textarea)[^>]*>", page)
    assert len(boxes) == 5 and all("aria-label=" in box for box in boxes), boxes
    assert '<input aria-label="Score for refl-001, out of 2.0" class="score tabbable"' in page
    assert 'aria-label="Comment on refl-001"' in page and 'aria-label="Extra credit for code-1"' in page


def test_every_list_that_shows_names_gets_nbgraders_script_inline_with_the_name_join_replaced() -> None:
    """nbgrader's submissions, manual grading and students lists load their script inline, joined by trainingkitName."""
    from trainingkit.grading.formgrader import SCRIPTS

    environment = Environment(loader=Reworded(FileSystemLoader([handlers.template_path])))
    for name, (script, _) in SCRIPTS.items():
        source, _, _ = environment.loader.get_source(environment, name)
        assert f"formgrader/static/js/{script}" not in source and "trainingkitName(last_name, first_name" in source, name
        assert 'last_name = "None"' not in source and 'first_name = "None"' not in source and 'last_name + ", " + first_name' not in source, name
        environment.get_template(name)  # still a template jinja compiles (the script sits in a raw block)
    manual, _, _ = environment.loader.get_source(environment, "gradebook_notebook_submissions.tpl")
    assert "Submission #" not in manual and '"Trainee #"' in manual


def test_a_script_nbgrader_changed_is_left_as_nbgrader_wrote_it() -> None:
    """When a text to replace is missing, the script is not half changed: None, and the template keeps its tag."""
    from trainingkit.grading.formgrader import SCRIPTS, patched_script

    _, changes = SCRIPTS["manage_submissions.tpl"]
    assert patched_script("var name = student;", changes) is None


def test_a_one_word_name_shows_alone_two_names_as_nbgrader_orders_them_and_no_name_as_the_account() -> None:
    """Run in Node.js: ("Ben", none) is "Ben", ("Okafor", "Ada") is "Okafor, Ada", no names at all is the account."""
    import shutil
    import subprocess
    import sys

    import pytest

    from trainingkit.grading.formgrader import NAME_JS
    from trainingkit.hub.roster import Member, Role

    node = shutil.which("node", path=str(Path(sys.executable).parent)) or shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (make setup puts it in .venv)")
    ben = Member("ben", Role.TRAINEE, "Ben").first_and_last_name
    ada = Member("ada", Role.TRAINEE, "Ada Mae Okafor").first_and_last_name
    cases = [[ben[1], ben[0] or None, "ben"], [ada[1], ada[0], "ada"], [None, None, "cal"], ["", "  ", "dee"]]
    shown = subprocess.run([node, "-e", NAME_JS + f"for (const c of {json.dumps(cases)}) "
                            "console.log(trainingkitName(c[0], c[1], c[2]));"],
                           capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    assert shown == ["Ben", "Okafor, Ada Mae", "cal", "dee"]


def _grading_page(**resources: object) -> str:
    import nbformat
    import nbgrader
    from nbconvert import HTMLExporter

    from trainingkit.grading import config

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    exporter = HTMLExporter(template_name="trainingkit-formgrade",
                            extra_template_basedirs=[str(formgrader / "templates"),
                                                     str(Path(config.__file__).with_name("templates"))],
                            extra_template_paths=[str(formgrader / "templates")])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("A reflection")])
    page, _ = exporter.from_notebook_node(notebook, resources={
        "base_url": "", "index": 1, "total": 3, "notebook_id": "practice-scope", "submission_id": "s1",
        "notebook_path": "p", **resources})
    return page


def test_the_grading_page_names_the_trainee_as_the_lists_do_and_counts_trainees_not_submissions() -> None:
    """Shown: a one-word "Ben" alone (nbgrader showed the account), "Okafor, Ada", no name as the account, and a
    name's markup escaped; hidden: "Trainee #2" and "Trainee 2 of 3", never "Submission"."""
    from trainingkit.hub.roster import Member, Role

    def shown(last: str | None, first: str | None) -> str:
        page = _grading_page(last_name=last, first_name=first, student="tk-ben")
        assert "Submission" not in page and '<span class="pull-right">Trainee 2 of 3</span>' in page
        assert re.search(r'class="name-hidden"[^>]*>\s*Trainee #2\s*</a>', page)
        return re.search(r'<a class="name-shown"[^>]*>([^<]*)</a>', page).group(1).strip()

    first, last = Member("tk-ben", Role.TRAINEE, "Ben").first_and_last_name
    assert shown(last, first or None) == "Ben"
    assert shown("Okafor", "Ada") == "Okafor, Ada"
    assert shown(None, None) == "tk-ben"
    assert shown("<b>Okafor</b>", "Ada") == "&lt;b&gt;Okafor&lt;/b&gt;, Ada"


def test_the_submissions_list_heads_its_names_trainee_not_student_name() -> None:
    """nbgrader's plain "Student Name" heading (no class, unlike the others) is reworded too."""
    assert "<th>Student Name</th>" in (Path(handlers.template_path) / "manage_submissions.tpl").read_text()
    environment = Environment(loader=Reworded(FileSystemLoader([handlers.template_path])))
    source, _, _ = environment.loader.get_source(environment, "manage_submissions.tpl")
    assert "Student Name" not in source and "<th>Trainee</th>" in source
