"""Autograde every submitted trainee of an assignment in parallel, and resume after a stop.

``trainingkit grade ASSIGNMENT [--jobs N]`` runs nbgrader's own Autograde converter, with
the course's configuration, one trainee at a time, in worker processes forked from the
command's process. That configuration runs nothing a trainee submitted (see
:mod:`trainingkit.grading`): each trainee costs reading two small files and writing the
gradebook.

* **A ledger per assignment** (``autograded/.trainingkit/ASSIGNMENT.json``, private, and
  gone if ``autograded/`` is deleted) names every trainee graded, with the submission
  timestamp and the gradebook graded into. It is rewritten atomically, under a lock,
  right after each trainee is graded, so a stopped run resumes where it stopped and
  nobody is graded twice; a trainee whose submission timestamp changed is graded again.
  (A trainee whose grading was cut off before it was recorded is graded again, from the
  start.) ``ASSIGNMENT.log`` beside it gets one line per trainee graded.
* **One trainee, one grader.** A lock per trainee is held while they are graded, so two
  supervisors grading the same folder at once never grade the same trainee together.
* **SQLite waits.** Every gradebook connection waits up to a minute for a busy SQLite
  file instead of failing with "database is locked" (:mod:`trainingkit.gradebook`).
* **Ctrl-C** (or SIGTERM) stops handing out trainees, lets those being graded finish and be
  recorded, and exits with status 130; a second one stops the workers at once.
* **Workers die with the command.** Each worker asks Linux to kill it when the command's
  process ends (``PR_SET_PDEATHSIG``), so a ``kill -9`` or the out-of-memory killer leaves no
  worker grading on alone.
* **A gradebook that cannot be reached** (its server down, a SQLite file locked past the wait)
  stops the run at the first trainee it fails: one line names the gradebook (password hidden)
  and what to do, exit status 75; nobody is marked failed for it, and a rerun resumes.
* **Private.** Everything the command creates (ledger, logs, locks, the autograded copies) is
  readable by its owner only; it never creates a gradebook, and a missing course is an error.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from trainingkit.course import Course
from trainingkit.files import write_atomically
from trainingkit.gradebook import (GradebookUnreachable, gradebook_down, masked_url, sqlite_file, unreachable,
                                   unreachable_message, wait_for_busy_sqlite)
from trainingkit.grading.process import load_course_material, share_gradebook_engines, skip_unused_slow_imports

#: Exit status for bad input, as in ``trainingkit.cli``.
BAD_INPUT = 2
#: Exit status after Ctrl-C, as shells report it.
INTERRUPTED = 130
#: Exit status when the gradebook cannot be reached: try again later (sysexits' EX_TEMPFAIL).
GRADEBOOK_UNREACHABLE = 75
LEDGER_FOLDER = ".trainingkit"
#: What stops a run as Ctrl-C does.
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


class GradeError(ValueError):
    """The assignment or a trainee cannot be graded as asked; the message names which."""


# --------------------------------------------------------------------------- the ledger


def submission_stamp(folder: Path) -> str:
    """What identifies one submission: its ``timestamp.txt``, or its files' times without one."""
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        return stamp.read_text(encoding="utf-8", errors="replace").strip()
    times = [path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()]
    return f"modified {max(times, default=0)}"


@dataclass(frozen=True)
class Ledger:
    """Which trainees of one assignment are graded, for which submission, into which gradebook."""

    autograded: Path
    assignment_id: str
    gradebook: str

    @property
    def folder(self) -> Path:
        return self.autograded / LEDGER_FOLDER

    @property
    def path(self) -> Path:
        return self.folder / f"{self.assignment_id}.json"

    @property
    def log_path(self) -> Path:
        return self.folder / f"{self.assignment_id}.log"

    @property
    def workers_log(self) -> Path:
        return self.folder / f"{self.assignment_id}.workers.log"

    def _lock(self, folder: Path, name: str) -> FileLock:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return FileLock(folder / f"{name}.lock", mode=0o600)

    def student_lock(self, student: str) -> FileLock:
        """Held while ``student`` is being graded, by whichever process grades them."""
        return self._lock(self.folder / "locks", f"{self.assignment_id}.{student}")

    def entries(self) -> dict[str, dict[str, str]]:
        """Every trainee recorded; an unreadable ledger counts as empty (everyone is graded again)."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}
        graded = document.get("graded") if isinstance(document, dict) else None
        return {k: v for k, v in graded.items() if isinstance(v, dict)} if isinstance(graded, dict) else {}

    def is_current(self, student: str, stamp: str, entries: dict[str, dict[str, str]] | None = None) -> bool:
        """Whether ``student``'s submission ``stamp`` is already graded into this gradebook."""
        entry = (self.entries() if entries is None else entries).get(student)
        return bool(entry and entry.get("submission") == stamp and entry.get("gradebook") == self.gradebook
                    and (self.autograded / student / self.assignment_id).is_dir())

    def record(self, student: str, stamp: str) -> None:
        """Mark ``student`` graded: the ledger is rewritten atomically, under its lock."""
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self._lock(self.folder, self.assignment_id):
            entries = self.entries()
            times = entries.get(student, {}).get("times_graded", 0)
            entries[student] = {"submission": stamp, "gradebook": self.gradebook, "graded_at": now,
                                "times_graded": (times if isinstance(times, int) else 0) + 1}
            document = {"assignment": self.assignment_id, "graded": dict(sorted(entries.items()))}
            write_atomically(self.path, json.dumps(document, indent=1) + "\n")
            with open(os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a") as log:
                log.write(f"{now} graded {student} (submitted {stamp}) pid {os.getpid()}\n")


def graded_counts(ledger: Ledger) -> dict[str, int]:
    """How many times each trainee in the ledger was graded to the end, whatever the submission."""
    return {student: int(entry.get("times_graded", 1)) for student, entry in ledger.entries().items()}


# --------------------------------------------------------------------------- nbgrader set-up


def load_nbgrader_config(course: Course) -> Any:
    """The configuration ``nbgrader autograde`` would use in this course's coursework/ folder."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(course.coursework)]:
        if os.path.isfile(os.path.join(folder, "nbgrader_config.py")):
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    return config


@dataclass(frozen=True)
class _Plan:
    """What every worker needs; set in the parent before the workers are forked."""

    config: Any
    assignment_id: str
    ledger: Ledger
    stop: Any  # a multiprocessing Event
    db_url: str
    parent: int  # the grading command's process


_PLAN: _Plan | None = None


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process when ``parent`` ends, however it ends (``PR_SET_PDEATHSIG``).

    If ``parent`` has already gone, this process exits at once. Elsewhere than Linux, nothing.
    """
    import ctypes

    pr_set_pdeathsig = 1
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the request above
        os._exit(1)


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group; only the parent decides what it means. SIGTERM
    # ends a worker (the pool stops a broken worker with it); the parent's handler is not for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked while the parent forked it
    # What workers print (nbgrader's SQLAlchemy warnings) goes to a private log beside the ledger, not through the progress bar.
    plan = _PLAN
    if plan is not None:
        die_with_parent(plan.parent)
        descriptor = os.open(plan.ledger.workers_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        os.close(descriptor)


@dataclass(frozen=True)
class Outcome:
    """What happened to one trainee: graded, failed, current (graded before), busy, stopped,
    or unreachable (the gradebook could not be reached; ``detail`` says why)."""

    student: str
    status: str
    detail: str = ""


def _grade_one(student: str, stamp: str, force: bool) -> Outcome:
    """Autograde one trainee in this (forked) worker."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    plan = _PLAN
    assert plan is not None, "grading workers must be forked by grade_assignment"
    if plan.stop.is_set():
        return Outcome(student, "stopped")
    lock = plan.ledger.student_lock(student)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return Outcome(student, "busy", "another grading process holds this trainee")
    try:
        if not force and plan.ledger.is_current(student, stamp):
            return Outcome(student, "current")
        coursedir = CourseDirectory(config=plan.config)
        coursedir.assignment_id = plan.assignment_id
        coursedir.student_id = student
        converter = Autograde(coursedir=coursedir, config=plan.config)
        converter.force = True
        converter.create_student = True
        converter.log.setLevel("INFO")
        result = capture_log(converter)
        if not result["success"]:
            detail = "\n".join(filter(None, [result.get("log"), result.get("error")]))
            down = gradebook_down(plan.db_url, detail)
            return Outcome(student, "unreachable", down) if down else Outcome(student, "failed", detail)
        plan.ledger.record(student, stamp)
        return Outcome(student, "graded", result.get("log", ""))
    finally:
        lock.release()


# --------------------------------------------------------------------------- the run


@dataclass
class GradeReport:
    """What one ``grade`` run did."""

    assignment_id: str
    gradebook: str
    graded: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    busy: list[str] = field(default_factory=list)
    not_graded: list[str] = field(default_factory=list)
    interrupted: bool = False
    worker_died: bool = False
    unreachable: str = ""  # why the gradebook could not be reached, if it could not
    db_url: str = field(default="", repr=False)  # as configured; shown only through masked_url

    def summary(self) -> str:
        parts = [f"{len(self.graded)} graded", f"{len(self.current)} already graded",
                 f"{len(self.failed)} failed"]
        if self.busy:
            parts.append(f"{len(self.busy)} being graded by another process")
        if self.not_graded:
            parts.append(f"{len(self.not_graded)} not graded yet")
        return f"{self.assignment_id}: {', '.join(parts)} (gradebook {self.gradebook})"


def submitted_folders(coursedir: Any, assignment_id: str) -> dict[str, Path]:
    """Every trainee with a submission of ``assignment_id``, and its folder."""
    pattern = Path(coursedir.format_path(coursedir.submitted_directory, "*", assignment_id))
    return {folder.parent.name: folder
            for folder in sorted(pattern.parent.parent.glob(f"*/{pattern.name}")) if folder.is_dir()}


def _check_assignment(db_url: str, assignment_id: str) -> None:
    """Raise unless the gradebook exists, can be reached and holds ``assignment_id``; never create one."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import InterfaceError, OperationalError

    database = sqlite_file(db_url)
    if database and not os.path.isfile(database):
        raise GradeError(f"no gradebook at {database}: run `trainingkit build {assignment_id}` first "
                         "(or set TRAININGKIT_DB_URL to the course's gradebook)")
    try:
        with Gradebook(db_url) as gradebook:
            try:
                gradebook.find_assignment(assignment_id)
            except MissingEntry:
                raise GradeError(f"no assignment {assignment_id!r} in the gradebook {masked_url(db_url)}: "
                                 f"run `trainingkit build {assignment_id}` first") from None
    except (OperationalError, InterfaceError) as error:
        raise unreachable(db_url, error) from None


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created meanwhile (by this process and its workers) are its owner's only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def grade_assignment(*, course: Course, assignment_id: str, jobs: int | None = None,
                     students: Sequence[str] = (), force: bool = False, progress: bool = True,
                     ) -> GradeReport:
    """Autograde every (or each named) submitted trainee of ``assignment_id`` not graded yet."""
    if not (course.coursework / "nbgrader_config.py").is_file():
        raise GradeError(f"{course.root} is not a trainingkit course: no coursework/nbgrader_config.py")
    with private_files():
        return _grade_assignment(course=course, assignment_id=assignment_id, jobs=jobs, students=students,
                                 force=force, progress=progress)


def _grade_assignment(*, course: Course, assignment_id: str, jobs: int | None, students: Sequence[str],
                      force: bool, progress: bool) -> GradeReport:
    global _PLAN
    from nbgrader.coursedir import CourseDirectory

    # nbgrader runs `alembic` from PATH when it sets up a new gradebook.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    config = load_nbgrader_config(course)
    coursedir = CourseDirectory(config=config)
    db_url = coursedir.db_url
    ledger = Ledger(Path(coursedir.root) / coursedir.autograded_directory, assignment_id, masked_url(db_url))
    report = GradeReport(assignment_id, ledger.gradebook, db_url=db_url)
    folders = submitted_folders(coursedir, assignment_id)
    unknown = [student for student in students if student not in folders]
    if unknown:
        raise GradeError(f"no submission of {assignment_id!r} from {', '.join(unknown)} in "
                         f"{Path(coursedir.root) / coursedir.submitted_directory}")
    if students:
        folders = {student: folders[student] for student in dict.fromkeys(students)}
    wait_for_busy_sqlite()
    share_gradebook_engines()  # one engine per gradebook in this process (trainingkit.grading.process)
    _check_assignment(db_url, assignment_id)

    entries = ledger.entries()
    pending: list[tuple[str, str]] = []
    for student, folder in folders.items():
        stamp = submission_stamp(folder)
        if not force and ledger.is_current(student, stamp, entries):
            report.current.append(student)
        else:
            pending.append((student, stamp))
    if not pending:
        return report

    _prepare_workers(config)
    load_course_material(config, assignment_id)  # bank and source notebooks, once for every worker
    ledger.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(ledger.workers_log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # this run's only
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    _PLAN = _Plan(config, assignment_id, ledger, stop, db_url, os.getpid())
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start)
    try:
        _collect(pending, force, report, pool, stop, progress, ledger)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _PLAN = None
    return report


def _prepare_workers(config: Any) -> None:
    """Import, once in the parent, what every forked worker would otherwise import for itself."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    Autograde(coursedir=CourseDirectory(config=config), config=config)


def _collect(pending: list[tuple[str, str]], force: bool, report: GradeReport, pool: ProcessPoolExecutor,
             stop: Any, progress: bool, ledger: Ledger) -> None:
    """Hand out ``pending`` trainees (the workers start with the first) and record each outcome.

    A stop (Ctrl-C, SIGTERM) is handled from the first hand-out on, so it never escapes
    between the workers' start and the wait for their results.
    """
    from tqdm import tqdm

    futures: dict[Future[Outcome], str] = {}
    bar = tqdm(total=len(pending), desc=f"grading {report.assignment_id}", unit="trainee",
               file=sys.stderr, disable=not progress, dynamic_ncols=True)
    done: set[Future[Outcome]] = set()

    def take(waiting: Iterable[Future[Outcome]]) -> None:
        for future in as_completed(list(waiting)):
            done.add(future)
            bar.update(1)
            student = futures[future]
            if future.cancelled():
                report.not_graded.append(student)
                continue
            try:
                outcome = future.result()
            except BrokenProcessPool:
                report.worker_died = True
                report.not_graded.append(student)
                continue
            except Exception as error:  # noqa: BLE001 - one trainee's problem never stops the rest
                outcome = Outcome(student, "failed", f"{type(error).__name__}: {error}")
            if outcome.status == "graded":
                report.graded.append(student)
            elif outcome.status == "current":
                report.current.append(student)
            elif outcome.status == "busy":
                report.busy.append(student)
            elif outcome.status == "stopped":
                report.not_graded.append(student)
            elif outcome.status == "unreachable":  # stop at the first: the others would fail alike
                report.not_graded.append(student)
                report.unreachable = report.unreachable or outcome.detail
                stop.set()
                for waiting_future in futures:
                    waiting_future.cancel()
            else:
                report.failed[student] = outcome.detail
                bar.write(_failure_message(report.assignment_id, student, outcome.detail, ledger), file=sys.stderr)

    try:
        try:
            # Forking the workers and starting the pool's thread must not be cut in two by a
            # stop: the pool could then neither run nor shut down. A stop waits until after.
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            try:
                for student, stamp in pending:
                    futures[pool.submit(_grade_one, student, stamp, force)] = student
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            take(futures)
        except KeyboardInterrupt:
            report.interrupted = True
            stop.set()
            bar.write("Interrupted: finishing the trainees being graded now, then stopping "
                      "(Ctrl-C again to stop at once; run the same command to resume).", file=sys.stderr)
            for future in futures:
                future.cancel()
            try:
                take(f for f in futures if not f.cancelled() and f not in done)
            except KeyboardInterrupt:
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()
        report.not_graded.extend(student for future, student in futures.items()
                                 if future not in done and student not in report.not_graded)
        handed_out = set(futures.values())
        report.not_graded.extend(student for student, _ in pending if student not in handed_out)
    finally:
        bar.close()


_EXCEPTION_LINE = re.compile(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Timeout|Interrupt)\w*(:.*)?$")


def _failure_message(assignment_id: str, student: str, detail: str, ledger: Ledger) -> str:
    """The errors named in nbgrader's log for one trainee; the whole log is kept in a private file."""
    reasons = [line.strip() for line in detail.splitlines()
               if _EXCEPTION_LINE.match(line) and "NbGraderException" not in line]
    path = ledger.folder / "failed" / f"{assignment_id}.{student}.log"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, detail + "\n")
    shown = "\n".join(f"    {line}" for line in dict.fromkeys(reasons)) or f"    {detail.strip()[-500:]}"
    return f"{student}: grading failed:\n{shown}\n    (nbgrader's whole log: {path})"


# --------------------------------------------------------------------------- the command


def _command() -> Any:
    import click

    @click.command("grade")
    @click.argument("assignment")
    @click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                  help="Trainees graded at once [default: one per CPU].")
    @click.option("--student", "students", multiple=True, metavar="ID",
                  help="Grade only this trainee (repeat for several).")
    @click.option("--force", is_flag=True, help="Grade again trainees already graded.")
    @click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
    def grade(assignment: str, jobs: int | None, students: tuple[str, ...], force: bool,
              no_progress: bool) -> None:
        """Autograde every submitted trainee of ASSIGNMENT in parallel; run again to resume."""
        # Ctrl-C must interrupt even when this process inherited SIGINT as ignored (a shell's
        # background job, some CI runners): Python then never installs its own handler.
        # SIGTERM (a service manager, `kill`) stops the run the same way.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        skip_unused_slow_imports()  # this process is the command's own (trainingkit.grading.process)
        try:
            course = Course.locate()
        except FileNotFoundError as error:
            raise click.ClickException(str(error)) from None
        try:
            report = grade_assignment(course=course, assignment_id=assignment, jobs=jobs,
                                      students=students, force=force, progress=not no_progress)
        except GradebookUnreachable as error:
            click.echo(str(error), err=True)
            sys.exit(GRADEBOOK_UNREACHABLE)
        except GradeError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(BAD_INPUT)
        if report.unreachable:
            click.echo(unreachable_message(report.db_url, report.unreachable, graded=len(report.graded),
                                           not_graded=len(report.not_graded)), err=True)
            sys.exit(GRADEBOOK_UNREACHABLE)
        click.echo(report.summary())
        if report.interrupted or report.worker_died:
            reason = "interrupted" if report.interrupted else "a grading worker died"
            click.echo(f"{reason}: {len(report.not_graded)} trainee(s) not graded yet; "
                       "run the same command again to grade them", err=True)
            sys.exit(INTERRUPTED if report.interrupted else 1)
        if report.failed:
            click.echo(f"grading failed for {', '.join(report.failed)}; see the messages above", err=True)
            sys.exit(1)
        if report.busy:
            click.echo(f"{', '.join(report.busy)}: being graded by another process right now", err=True)

    return grade


grade_command = _command()


if __name__ == "__main__":
    grade_command()
