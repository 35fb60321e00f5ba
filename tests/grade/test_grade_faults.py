"""`trainingkit grade` under faults: the real command killed and stopped, its gradebook locked or gone.

Real processes, real signals, a real PostgreSQL server stopped in the middle of a run. A
run is held at a known point by a lock on the gradebook (SQLite's write lock, a PostgreSQL
table lock), so nothing here depends on how fast grading is.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from trainingkit.build import build, nbgrader_environment
from trainingkit.course import Course
from trainingkit.grade import graded_counts

from tests.grade.test_grade import ASSIGNMENT, GradingCourse

pytestmark = pytest.mark.pipeline


# --------------------------------------------------------------------------- processes


def _stat(pid: int) -> tuple[int, int, str] | None:
    """A process's parent, start time and state, from /proc; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[19]), fields[0]


def children(pid: int) -> set[tuple[int, int]]:
    """The processes whose parent is ``pid``, each as (pid, start time), so a reused pid is told apart."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = _stat(int(entry.name))
            if info and info[0] == pid and info[2] not in "ZX":
                found.add((int(entry.name), info[1]))
    return found


def running(process: tuple[int, int]) -> bool:
    """Whether that very process still runs (a zombie waiting to be reaped runs nothing)."""
    info = _stat(process[0])
    return info is not None and info[1] == process[1] and info[2] not in "ZX"


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition``; fail, saying ``what`` never happened, after a generous while."""
    deadline = time.monotonic() + 300
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


def assert_private(folder: Path) -> None:
    """Every file and folder under ``folder`` is its owner's only."""
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {mode:o}"


# --------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="module")
def grading(tmp_path_factory: pytest.TempPathFactory) -> GradingCourse:
    """A built copy of the course, its gradebook the course's own SQLite file."""
    from tests.conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("faults"))
    build(course, only=(ASSIGNMENT,))
    return GradingCourse(course)


def sqlite_write_lock(grading: GradingCourse) -> sqlite3.Connection:
    """Take the gradebook's write lock for this test: graders read, but wait to write."""
    connection = sqlite3.connect(grading.course.coursework / "gradebook.db", isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill-9", "term", "ctrl-c"])
def test_a_grade_command_stopped_any_way_leaves_no_worker_behind(grading, sig) -> None:
    """SIGKILL or SIGTERM of the command's process, or Ctrl-C to its group, ends every grading worker with it."""
    grading.new_class(6)
    lock = sqlite_write_lock(grading)
    process = grading.grade("--jobs", "2", "--no-progress")
    wait_until(lambda: len(children(process.pid)) == 2, "the two grading workers started")
    workers = children(process.pid)
    if sig is signal.SIGINT:
        os.killpg(process.pid, sig)  # as a terminal's Ctrl-C: the whole group
    else:
        os.kill(process.pid, sig)  # the command's process alone, as `kill` or the OOM killer does
    if sig is signal.SIGKILL:
        # The workers wait on the gradebook's lock, so only their parent's death can end them.
        process.communicate(timeout=600)
        wait_until(lambda: not any(running(worker) for worker in workers), "the orphaned workers ended")
        lock.close()
    else:
        lock.close()  # the workers finish the trainees they hold, then the command stops
        out, err = process.communicate(timeout=600)
        assert process.returncode == 130, out + err
        assert "Traceback" not in err
    assert process.returncode is not None
    wait_until(lambda: not any(running(worker) for worker in workers), "every worker ended")


def test_a_sqlite_gradebook_locked_past_the_wait_stops_the_run_with_one_line(grading, monkeypatch) -> None:
    """A gradebook locked longer than the wait stops the command with one line and no traceback; unlocked, the rerun grades everyone."""
    students = grading.new_class(3)
    with sqlite3.connect(grading.course.coursework / "gradebook.db", isolation_level=None) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        env = {**nbgrader_environment(), "TRAININGKIT_ROOT": str(grading.course.root)}
        # A wait of a tenth of a second stands in for the minute: what is tested is what happens after it.
        code = ("import trainingkit.gradebook as b, trainingkit.grade as g; b.SQLITE_BUSY_SECONDS = 0.1; "
                f"g.grade_command(['{ASSIGNMENT}', '--no-progress'])")
        done = subprocess.run([sys.executable, "-c", code], cwd=grading.course.root, env=env,
                              capture_output=True, text=True, timeout=600)
        holder.execute("ROLLBACK")
    assert done.returncode == 75, done.stdout + done.stderr
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
    assert "cannot reach the gradebook sqlite:///" in done.stderr and "locked" in done.stderr
    assert "run the same command again" in done.stderr
    status, out, err = grading.grade_to_end("--no-progress")
    assert status == 0, out + err
    assert graded_counts(grading.ledger) == {student: 1 for student in students}
    assert grading.scores() == grading.expected_scores()
    assert_private(grading.course.coursework / "autograded")
    assert stat.S_IMODE((grading.course.coursework / "gradebook.db").stat().st_mode) == 0o600


def test_a_missing_course_root_is_an_error_and_no_gradebook_is_made(tmp_path: Path) -> None:
    """TRAININGKIT_ROOT naming a folder that does not exist stops grade with a message naming it; nothing is created."""
    missing = tmp_path / "no-such-course"
    env = {**nbgrader_environment(), "TRAININGKIT_ROOT": str(missing)}
    done = subprocess.run([sys.executable, "-m", "trainingkit.grade", ASSIGNMENT], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert f"TRAININGKIT_ROOT is {missing}, a folder that does not exist" in done.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def outage_server() -> Iterator[object]:
    """A PostgreSQL server of this test's own, with passwords, that the test may stop and start."""
    from tests.pgserver import PostgresServer, find_postgres_bin

    bindir = find_postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb; apt-get install -y postgresql)")
    pytest.importorskip("psycopg2", reason="psycopg2 is not installed (pip install psycopg2-binary)")
    server = PostgresServer(bindir, passwords=True).start()
    yield server
    server.stop()


def test_a_gradebook_server_stopped_mid_run_stops_grading_with_one_line_and_the_rerun_resumes(
        outage_server, tmp_path: Path, monkeypatch) -> None:
    """With PostgreSQL stopped while a trainee is being graded: one line naming the gradebook, nobody failed, and a rerun grades the rest once."""
    from tests.conftest import copy_course

    url = outage_server.create_database()
    database, password = make_url(url).database, make_url(url).password
    monkeypatch.setenv("TRAININGKIT_DB_URL", url)
    course = copy_course(tmp_path)
    build(course, only=(ASSIGNMENT,))
    grading = GradingCourse(Course(course.root))
    students = grading.new_class(5)
    assert grading.grade_to_end("--student", students[0], "--student", students[1], "--no-progress")[0] == 0

    # Hold the run at its next trainee: the table nbgrader writes each trainee to is locked.
    holder = outage_server.connect(database)
    holder.cursor().execute("BEGIN; LOCK TABLE student IN ACCESS EXCLUSIVE MODE")
    watcher = outage_server.connect(database)

    def a_worker_waits_on_the_lock() -> bool:
        with watcher.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                           (database,))
            return cursor.fetchone()[0] > 0

    process = grading.grade("--jobs", "2", "--no-progress")
    wait_until(lambda: bool(children(process.pid)) and a_worker_waits_on_the_lock(), "a worker waited on the lock")
    watcher.close()
    outage_server.pause()
    out, err = process.communicate(timeout=600)
    holder.close()

    shown = f"postgresql+psycopg2://{database}:***@127.0.0.1:{outage_server.port}/{database}"
    assert process.returncode == 75, out + err
    assert out == "" and len(err.splitlines()) == 1, err
    assert f"cannot reach the gradebook {shown}" in err and password not in err
    assert "none marked failed" in err and "run the same command again" in err
    assert not (course.coursework / "autograded" / ".trainingkit" / "failed").exists()
    assert sorted(grading.ledger.entries()) == students[:2]

    status, out, err = grading.grade_to_end("--no-progress")  # while it is still down
    assert status == 75 and out == "" and len(err.splitlines()) == 1, err
    assert "nothing was graded" in err and "Traceback" not in err

    outage_server.resume()
    status, out, err = grading.grade_to_end("--jobs", "2", "--no-progress")
    assert status == 0, out + err
    assert "3 graded, 2 already graded, 0 failed" in out
    assert graded_counts(grading.ledger) == {student: 1 for student in students}
    assert grading.scores() == grading.expected_scores()
