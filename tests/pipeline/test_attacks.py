"""A class with attackers in it, graded by real nbgrader: nothing submitted runs, no score moves.

Each attacker tries, with nothing but the cells and files of their own submission, one of
the attacks found against the course. Every piece of attacking code first writes a canary
file named after its attack, so a canary on disk proves that code ran. The class is graded
three ways (plain ``nbgrader autograde``, ``trainingkit grade --jobs 2``, and again after
the first run has left its files), and honest trainees keep the marks their answers earn.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from trainingkit.answers import MAX_REFLECTION_CHARS
from trainingkit.build import nbgrader_environment
from trainingkit.scoring import score_choice
from trainingkit.simulate import answers_for

from tests.pipeline.conftest import ASSIGNMENT, CourseRun, answer_all, edit_notebook

pytestmark = pytest.mark.pipeline

#: Code every attack runs first: leave a canary, then do the damage.
CANARY = "import pathlib; pathlib.Path({canary!r}).write_text('ran')\n"

ATTACK_CELLS = {
    # full manual marks, straight into the gradebook
    "manual": """
from nbgrader.api import Gradebook
import glob
db = {db_url!r}
with Gradebook(db) as gb:
    for nb in gb.find_submission({assignment!r}, {student!r}).notebooks:
        for grade in nb.grades:
            grade.manual_score = grade.max_score
    gb.db.commit()
""",
    # every key of every assignment, and another trainee's answers, printed into feedback
    "keys": """
import pathlib
for path in pathlib.Path({coursework!r}).glob("bank/*.yaml"):
    print("LEAKED-KEY", path.read_text()[:2000])
for path in pathlib.Path({coursework!r}).glob("submitted/*/*/answers.json"):
    print("LEAKED-ANSWERS", path.read_text())
""",
    # empty the other trainees' answers and overwrite their graded notebooks
    "wipe": """
import pathlib
for path in pathlib.Path({coursework!r}).glob("*/*/*/answers.json"):
    path.write_text('{{"answers": {{}}}}')
for path in pathlib.Path({coursework!r}).glob("autograded/*/*/*.ipynb"):
    path.write_text("{{}}")
""",
    # rewrite the bank's keys for everyone after
    "bank": """
import pathlib
for path in pathlib.Path({coursework!r}).glob("bank/*.yaml"):
    path.write_text(path.read_text().replace("key:", "key: [z] #"))
""",
    # a process that outlives grading and changes grades afterwards
    "daemon": """
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time, pathlib; time.sleep(2); "
                  "pathlib.Path({canary!r} + '-later').write_text('ran')"], start_new_session=True)
""",
    # stop grading for everybody: kill the grader, then hold the gradebook
    "kill": """
import os, signal, sqlite3
try:
    sqlite3.connect({db_file!r}).execute("BEGIN EXCLUSIVE")
finally:
    os.kill(os.getppid(), signal.SIGKILL)
""",
}


def _sha(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(paths)}


@pytest.fixture(scope="module")
def attacked(course_run: CourseRun, bank_and_items, tmp_path_factory: pytest.TempPathFactory):
    """Two honest trainees and one attacker per attack, fetched, answered and submitted."""
    bank, vignettes = bank_and_items
    coursework = course_run.course.coursework
    canaries = tmp_path_factory.mktemp("canaries")
    rng = random.Random(11)
    key = answers_for("key", vignettes, rng)
    mixed = answers_for("random", vignettes, rng)
    db_url = course_run.course.db_url
    db_file = str(coursework / "gradebook.db")
    submitted: dict[str, dict] = {}

    def trainee(name: str, answers: dict) -> Path:
        folder = course_run.fetch(name)
        answer_all(folder, answers)
        submitted[name] = answers
        return folder

    def add_code(folder: Path, name: str, body: str, student: str) -> None:
        canary = str(canaries / name)
        source = CANARY.format(canary=canary) + body.format(
            canary=canary, coursework=str(coursework), assignment=ASSIGNMENT, student=student,
            db_url=db_url, db_file=db_file)

        def change(notebook: nbformat.NotebookNode) -> None:
            notebook.cells.insert(1, nbformat.v4.new_code_cell(source))
            notebook.cells.append(nbformat.v4.new_code_cell(source))
            # and inside an existing widget cell, which is locked but editable on disk
            widget = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
            widget.source = source + widget.source
        edit_notebook(folder, change)

    trainee("honest-a", key)
    trainee("honest-b", mixed)
    for name, body in ATTACK_CELLS.items():
        add_code(trainee(f"attack-{name}", mixed), name, body, f"attack-{name}")

    # code with no cell at all: files a kernel would import first
    folder = trainee("attack-launcher", mixed)
    for module in ("ipykernel_launcher.py", "sitecustomize.py", "trainingkit.py"):
        (folder / module).write_text(CANARY.format(canary=str(canaries / f"launcher-{module}")))

    # HTML and script in markdown the supervisor and trainee would see
    folder = trainee("attack-html", key)

    def html_markdown(notebook: nbformat.NotebookNode) -> None:
        payload = "<img src=x onerror=\"fetch('/xss-{}')\"><script>fetch('/xss-script')</script>"
        notebook.cells.insert(1, nbformat.v4.new_markdown_cell(payload.format("added")))
        scenario = next(c for c in notebook.cells if c.cell_type == "markdown" and "Question 1" in c.source)
        scenario.source += payload.format("edited")
        notebook.cells.append(nbformat.v4.new_raw_cell("<script>fetch('/xss-raw')</script>"))
        notebook.cells[-1].metadata["format"] = "text/html"
    edit_notebook(folder, html_markdown)
    (folder / "notes.html").write_text("<script>fetch('/xss-file')</script>")

    # forged nbgrader metadata: a newer schema, and a bare block pasted on a new cell
    folder = trainee("attack-schema", key)

    def forge(notebook: nbformat.NotebookNode) -> None:
        graded = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
        graded.metadata["nbgrader"]["schema_version"] = 4
        bare = nbformat.v4.new_code_cell("1.0")
        bare.metadata["nbgrader"] = {"grade": True}
        notebook.cells.append(bare)
    edit_notebook(folder, forge)

    # an answers file nested 200,000 levels deep
    folder = trainee("attack-deep", key)
    (folder / "answers.json").write_text('{"answers": ' + "[" * 200_000 + "]" * 200_000 + "}")

    # a 21 MB reflection in the answers file, and a 21 MB cell in the notebook
    folder = trainee("attack-huge", key)
    reflection = next(v for v in vignettes if not v.kind.is_choice)
    document = json.loads((folder / "answers.json").read_text())
    document["answers"][reflection.id] = {"value": "x" * 21_000_000, "saved_at": ""}
    (folder / "answers.json").write_text(json.dumps(document))
    edit_notebook(folder, lambda nb: nb.cells.append(nbformat.v4.new_markdown_cell("y" * 21_000_000)))

    # a long reflection within the file's limit: kept up to the reflection limit
    folder = trainee("honest-long", key)
    document = json.loads((folder / "answers.json").read_text())
    document["answers"][reflection.id] = {"value": "z" * (MAX_REFLECTION_CHARS + 500), "saved_at": ""}
    (folder / "answers.json").write_text(json.dumps(document))

    for name in submitted:
        course_run.submit(name)
    course_run.nbgrader("collect", ASSIGNMENT)
    bank_before = _sha((coursework / "bank").glob("*.yaml"))
    return {"canaries": canaries, "submitted": submitted, "vignettes": vignettes, "bank": bank_before,
            "reflection": reflection}


def _expected(vignettes, answers: dict) -> float:
    return round(sum(score_choice(v, answers.get(v.id)).earned for v in vignettes if v.kind.is_choice), 4)


def _scores(course_run: CourseRun) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(course_run.course.db_url) as gradebook:
        return {s.student_id: (round(s.code_score, 4), s.max_code_score)
                for s in gradebook.assignment_submissions(ASSIGNMENT)}


def _manual_scores(course_run: CourseRun, student: str) -> list:
    from nbgrader.api import Gradebook

    with Gradebook(course_run.course.db_url) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return [grade.manual_score for notebook in submission.notebooks for grade in notebook.grades]


def _assert_nothing_ran(attacked) -> None:
    time.sleep(3)  # long enough for the "daemon" attack's delayed process to have written
    assert sorted(p.name for p in attacked["canaries"].iterdir()) == []


def _assert_scores_as_submitted(course_run: CourseRun, attacked) -> None:
    scores = _scores(course_run)
    vignettes = attacked["vignettes"]
    automatic = sum(v.points for v in vignettes if v.kind.is_choice)
    for name, answers in attacked["submitted"].items():
        expected = 0.0 if name in ("attack-deep", "attack-huge") else _expected(vignettes, answers)
        assert scores[name] == (expected, automatic), name
    assert scores["honest-a"][0] == automatic


@pytest.fixture(scope="module")
def autograded(course_run: CourseRun, attacked):
    """The class graded by plain `nbgrader autograde` with the course's configuration."""
    output = course_run.nbgrader("autograde", ASSIGNMENT, "--force")
    course_run.nbgrader("generate_feedback", ASSIGNMENT, "--force")
    return output


def test_plain_nbgrader_autograde_runs_no_submitted_code_and_scores_from_answers(course_run, attacked, autograded):
    """`nbgrader autograde` grades the whole class, runs no attacker's code, and moves no score."""
    _assert_nothing_ran(attacked)
    _assert_scores_as_submitted(course_run, attacked)


def test_no_attacker_gets_manual_marks(course_run, attacked, autograded):
    """The attacker who wrote manual marks into the gradebook has none."""
    assert set(_manual_scores(course_run, "attack-manual")) == {None}


def test_the_bank_is_unchanged_after_grading(course_run, attacked, autograded):
    """No byte of the bank changes while an attacker who rewrites it is graded."""
    bank = course_run.course.coursework / "bank"
    assert _sha(bank.glob("*.yaml")) == attacked["bank"]


def _graded_texts(course_run: CourseRun, student: str) -> str:
    coursework = course_run.course.coursework
    notebook = (coursework / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    feedback = (coursework / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    return notebook + feedback


def test_no_key_or_other_trainee_reaches_an_attackers_feedback(course_run, attacked, autograded):
    """What an attacker's cells would print never reaches their graded notebook or feedback."""
    assert "LEAKED" not in _graded_texts(course_run, "attack-keys")


def test_graded_notebooks_and_feedback_carry_no_trainee_html(course_run, attacked, autograded):
    """Markdown and raw cells with HTML and script, added or edited, are not in what anyone sees."""
    texts = _graded_texts(course_run, "attack-html")
    assert "onerror" not in texts and "xss-" not in texts


def test_the_graded_notebook_is_the_source_notebook_with_outputs(course_run, attacked, autograded):
    """Each graded notebook has exactly the source notebook's cells, in order, whatever was submitted."""
    coursework = course_run.course.coursework
    source = nbformat.read(coursework / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for student in attacked["submitted"]:
        graded = nbformat.read(coursework / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                               as_version=4)
        assert [(c.cell_type, c.source) for c in graded.cells] == [(c.cell_type, c.source) for c in source.cells]


def test_graded_folders_hold_only_what_grading_wrote(course_run, attacked, autograded):
    """No file a trainee submitted (a module, an HTML page) is kept where the formgrader serves files."""
    autograded = course_run.course.coursework / "autograded"
    for student in attacked["submitted"]:
        names = sorted(p.name for p in (autograded / student / ASSIGNMENT).iterdir())
        assert names == [f"{ASSIGNMENT}.ipynb", "submission_secret.txt", "timestamp.txt"], student


def test_forged_metadata_is_graded_from_the_source_notebook(course_run, attacked, autograded):
    """A newer schema_version and a pasted nbgrader block neither abort grading nor earn points."""
    assert "attack-schema" in _scores(course_run)


def test_bad_answers_files_score_zero_with_a_note_and_small_notebooks(course_run, attacked, autograded):
    """A deeply nested and a 21 MB answers file are refused with a note; their graded notebooks stay small."""
    coursework = course_run.course.coursework
    for student in ("attack-deep", "attack-huge"):
        graded = coursework / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert graded.stat().st_size < 500_000
        assert "could not be read" in (coursework / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


def test_a_long_reflection_is_cut_at_the_limit_and_marked(course_run, attacked, autograded):
    """A reflection over the limit shows its first MAX_REFLECTION_CHARS characters and says it was cut."""
    texts = _graded_texts(course_run, "honest-long")
    assert "z" * MAX_REFLECTION_CHARS in texts and "z" * (MAX_REFLECTION_CHARS + 1) not in texts
    assert "length limit" in texts


def test_item_analysis_carries_on_past_a_bad_submission_and_names_it(course_run, attacked, autograded):
    """`trainingkit items` reports the assignment and names the unreadable answers files."""
    env = {**nbgrader_environment(), "TRAININGKIT_ROOT": str(course_run.course.root)}
    process = subprocess.run([str(Path(sys.executable).parent / "trainingkit"), "items", ASSIGNMENT], env=env,
                             capture_output=True, text=True, cwd=course_run.course.root)
    assert process.returncode == 0, process.stderr
    assert "attack-deep" in process.stderr and "nested far deeper" in process.stderr
    assert "attack-huge" in process.stderr and "more than the 1,000,000" in process.stderr
    assert process.stdout.startswith("item,")


def test_trainingkit_grade_runs_no_submitted_code_either(course_run, attacked, autograded):
    """`trainingkit grade --jobs 2 --force` on the same class runs no attacker's code and gives the same scores."""
    env = {**nbgrader_environment(), "TRAININGKIT_ROOT": str(course_run.course.root)}
    process = subprocess.run([sys.executable, "-m", "trainingkit.grade", ASSIGNMENT, "--jobs", "2", "--force",
                              "--no-progress"], env=env, capture_output=True, text=True, cwd=course_run.course.root)
    assert process.returncode == 0, process.stdout + process.stderr
    _assert_nothing_ran(attacked)
    _assert_scores_as_submitted(course_run, attacked)
