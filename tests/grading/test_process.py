"""Grading faster changes nothing graded: the scores saved, the outputs written, the caches used.

Each speed-up of the grade command (``trainingkit.grading.process``, ``SaveAutoGradesAtOnce``,
the graded notebook's outputs) against what nbgrader itself does, on a small gradebook.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveAutoGrades
from nbformat.v4 import new_output as nbformat_new_output
from traitlets.config import Config

from trainingkit.grading.graded import new_output
from trainingkit.grading.preprocessors import SaveAutoGradesAtOnce
from trainingkit.grading.process import load_course_material, share_gradebook_engines

CELLS = {"q1": 2.0, "q2": 1.0, "q3": 3.0}


def _graded(outputs: dict[str, list]) -> nbformat.NotebookNode:
    cells = []
    for name, points in CELLS.items():
        cell = new_code_cell("")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": name,
                                     "points": points, "schema_version": 3}
        cell.outputs = outputs.get(name, [])
        cells.append(cell)
    return new_notebook(cells=cells)


def _score(value: float) -> list:
    return [new_output("execute_result", execution_count=None, data={"text/plain": repr(value)})]


@pytest.fixture(autouse=True)
def _alembic_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """nbgrader runs `alembic` from PATH when it makes a new gradebook."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


@pytest.fixture
def gradebook(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment("a")
        gb.add_notebook("nb", "a")
        for name, points in CELLS.items():
            gb.add_grade_cell(name, "nb", "a", max_score=points, cell_type="code")
        for student in ("s1", "s2"):
            gb.add_student(student)
            gb.add_submission("a", student)
        gb.find_grade("q2", "nb", "a", "s1").manual_score = 0.5  # a supervisor's grade, kept
        gb.db.commit()
    return url


def _rows(url: str, student: str) -> dict[str, tuple]:
    with Gradebook(url) as gb:
        return {name: (grade.auto_score, grade.manual_score, grade.needs_manual_grade)
                for name in CELLS for grade in [gb.find_grade(name, "nb", "a", student)]}


def _save(preprocessor_class: type, url: str, student: str, nb: nbformat.NotebookNode) -> None:
    resources = {"nbgrader": {"notebook": "nb", "assignment": "a", "student": student, "db_url": url}}
    preprocessor_class(log=logging.getLogger("test")).preprocess(nb, resources)


def test_scores_are_saved_as_nbgrader_saves_them(gradebook: str) -> None:
    """The same auto scores and review flags as nbgrader's SaveAutoGrades, manual grades kept."""
    outputs = {"q1": _score(1.5), "q2": _score(1.0)}  # q3: no output, full points as nbgrader gives
    _save(SaveAutoGrades, gradebook, "s1", _graded(outputs))
    _save(SaveAutoGrades, gradebook, "s2", _graded(outputs))
    stock = {"s1": _rows(gradebook, "s1"), "s2": _rows(gradebook, "s2")}
    with Gradebook(gradebook) as gb:  # back to no scores at all
        for student in ("s1", "s2"):
            for name in CELLS:
                gb.find_grade(name, "nb", "a", student).auto_score = None
        gb.db.commit()
    _save(SaveAutoGradesAtOnce, gradebook, "s1", _graded(outputs))
    _save(SaveAutoGradesAtOnce, gradebook, "s2", _graded(outputs))
    assert {"s1": _rows(gradebook, "s1"), "s2": _rows(gradebook, "s2")} == stock
    assert stock["s1"]["q2"] == (1.0, 0.5, True) and stock["s2"]["q3"] == (3.0, None, False)


def test_a_notebook_that_fails_part_way_saves_no_score(gradebook: str) -> None:
    """A grade cell without its gradebook row fails as in nbgrader, and the cells before it are not saved."""
    nb = _graded({"q1": _score(1.5)})
    nb.cells[1].metadata["nbgrader"]["grade_id"] = "unknown"
    with pytest.raises(MissingEntry):
        _save(SaveAutoGradesAtOnce, gradebook, "s2", nb)
    assert _rows(gradebook, "s2")["q1"][0] is None


def test_outputs_are_nbformat_outputs_and_the_graded_notebook_is_valid() -> None:
    """The outputs built without per-output validation equal nbformat's own, and validate."""
    data = {"text/plain": "1.0", "text/html": "<p>x</p>"}
    assert new_output("execute_result", execution_count=None, data=data) == \
        nbformat_new_output("execute_result", execution_count=None, data=data)
    assert new_output("display_data", data=data) == nbformat_new_output("display_data", data=data)
    nbformat.validate(_graded({"q1": _score(1.0), "q2": [new_output("display_data", data=data)]}))


def test_gradebooks_of_one_process_share_one_engine_that_outlives_their_close(tmp_path: Path) -> None:
    share_gradebook_engines()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as first:
        first.add_student("s1")
    with Gradebook(url) as second:
        assert second.engine is first.engine
        assert [student.id for student in second.students] == ["s1"]
    with Gradebook(f"sqlite:///{tmp_path / 'other.db'}") as other:
        assert other.engine is not first.engine


def test_a_forked_process_makes_its_own_engine(tmp_path: Path) -> None:
    share_gradebook_engines()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        parent = id(gb.engine)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports whether it got the parent's engine
        try:
            with Gradebook(url) as gb:
                os.write(write, b"same" if id(gb.engine) == parent else b"own")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 10) == b"own"


def test_a_broken_bank_is_left_for_each_trainee_to_report(course_copy) -> None:
    """Loading the course before the workers fork never stops the run: grading reports the error."""
    from trainingkit.grading.config import configure

    (course_copy.bank_dir / "broken.yaml").write_text("items: [\n")
    config = Config()
    configure(config, course=course_copy)
    load_course_material(config, "ethics-review")  # no exception


def test_the_grade_command_leaves_out_rfc3987_and_notebooks_still_validate() -> None:
    """Without the unused module, jsonschema imports and nbformat validates notebooks as before."""
    code = ("import sys\n"
            "from trainingkit.grading.process import skip_unused_slow_imports\n"
            "skip_unused_slow_imports()\n"
            "import nbformat\n"
            "from nbformat.v4 import new_notebook, new_code_cell\n"
            "nbformat.validate(new_notebook(cells=[new_code_cell('1')]))\n"
            "bad = new_notebook(cells=[new_code_cell('1')]); bad.cells[0].pop('outputs')\n"
            "from nbformat.validator import isvalid\nassert not isvalid(bad)\n"
            "assert sys.modules.get('rfc3987_syntax', None) is None\n")
    subprocess.run([sys.executable, "-c", code], check=True)
