"""The course service's store: released assignments, submissions as received, feedback to return.

```
STORE/                         the grader's alone (0700), written by the service and the grader's commands
  released/ASSIGNMENT/...      a copy of coursework/release/ASSIGNMENT, made by `nbgrader release_assignment`
  submissions/USER/ASSIGNMENT/STAMP/
      answers.json             rebuilt from the parsed answers (trainingkit.exchange.submission)
      receipt.json             who (the hub's name), what, when (the server's clock)
      record/NOTEBOOK.ipynb    the submitted notebook, for the record only
  feedback/USER/ASSIGNMENT/STAMP/NOTEBOOK.html   released by `nbgrader release_feedback`
  incoming/                    half-written submissions; renamed into submissions/ when whole
```

USER is the hub's name for the caller and ASSIGNMENT a released assignment: both are
checked against strict patterns before they name a folder. A submission is written whole
in ``incoming/`` and renamed into place, each file and folder synced, so a crash leaves
either the whole submission or none of it. Nothing here follows a link.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from trainingkit.exchange.submission import Submission, canonical_answers
from trainingkit.files import sync_folder

USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
ASSIGNMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NOTEBOOK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.ipynb$")
STAMP = re.compile(r"^\d{8}T\d{6}\.\d{6}Z$")
#: nbgrader's own timestamp format (timestamp.txt), always in UTC here.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
#: Submissions one person may make of one assignment; past it, a supervisor clears old ones.
MAX_SUBMISSIONS = 50


class StoreError(ValueError):
    """A request the store cannot meet; the message says why."""


@dataclass(frozen=True)
class Receipt:
    """One submission as the course received it."""

    user: str
    assignment_id: str
    stamp: str

    @property
    def submitted_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.stamp, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=dt.timezone.utc)

    @property
    def timestamp(self) -> str:
        """The submission time as nbgrader writes it in ``timestamp.txt``."""
        return self.submitted_at.strftime(TIMESTAMP_FORMAT)


def stamp_of(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def stamp_of_timestamp(timestamp: str) -> str:
    """The store's stamp of an nbgrader ``timestamp.txt`` written from a receipt."""
    from nbgrader.utils import parse_utc

    return stamp_of(parse_utc(timestamp.strip()).replace(tzinfo=dt.timezone.utc))


def check_name(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise StoreError(f"{str(value)[:80]!r} is not a valid {what}")
    return value


def _write_new(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _private_folder(base: Path, *names: str) -> Path:
    """``base/names...``, each level made 0700 if missing."""
    folder = base
    for name in names:
        folder = folder / name
        try:
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # whatever the umask
        except FileExistsError:
            pass
    return folder


def _regular_files(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` by its relative path; links and other kinds are skipped."""
    files = {}
    for root, folders, names in os.walk(folder):  # os.walk does not follow links to folders
        folders[:] = [name for name in folders if not os.path.islink(os.path.join(root, name))]
        for name in names:
            path = Path(root, name)
            if path.is_symlink() or not path.is_file():
                continue
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


@dataclass(frozen=True)
class CourseStore:
    """The store under ``root``: one object owns its paths."""

    root: Path

    @property
    def released_dir(self) -> Path:
        return self.root / "released"

    @property
    def submissions_dir(self) -> Path:
        return self.root / "submissions"

    @property
    def feedback_dir(self) -> Path:
        return self.root / "feedback"

    @property
    def incoming_dir(self) -> Path:
        return self.root / "incoming"

    def create(self) -> "CourseStore":
        for folder in (self.root, self.released_dir, self.submissions_dir, self.feedback_dir, self.incoming_dir):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        return self

    # released assignments -------------------------------------------------------------
    def released(self) -> list[str]:
        if not self.released_dir.is_dir():
            return []
        return sorted(p.name for p in self.released_dir.iterdir()
                      if p.is_dir() and not p.is_symlink() and ASSIGNMENT_ID.match(p.name))

    def is_released(self, assignment_id: str) -> bool:
        return assignment_id in self.released()

    def release(self, assignment_id: str, source: Path, *, force: bool = False) -> None:
        """Make ``source`` (the assignment's release folder) what trainees fetch."""
        check_name(ASSIGNMENT_ID, assignment_id, "assignment id")
        target = self.released_dir / assignment_id
        if target.exists() and not force:
            raise StoreError(f"{assignment_id} is already released (release it again with --force)")
        staging = self.incoming_dir / f"release-{assignment_id}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        _private_folder(staging.parent, staging.name)
        for relative, data in _regular_files(source).items():
            _private_folder(staging, *Path(relative).parts[:-1])
            _write_new(staging / relative, data)
        if target.exists():
            self.unrelease(assignment_id)
        os.rename(staging, target)
        sync_folder(self.released_dir)

    def unrelease(self, assignment_id: str) -> None:
        check_name(ASSIGNMENT_ID, assignment_id, "assignment id")
        target = self.released_dir / assignment_id
        if target.exists():
            gone = self.incoming_dir / f"unreleased-{assignment_id}-{os.getpid()}"
            os.rename(target, gone)
            shutil.rmtree(gone)

    def released_files(self, assignment_id: str) -> dict[str, bytes]:
        if not self.is_released(assignment_id):
            raise StoreError(f"{assignment_id!r} is not released")
        return _regular_files(self.released_dir / assignment_id)

    def released_notebooks(self, assignment_id: str) -> list[str]:
        if not self.is_released(assignment_id):
            return []
        return sorted(p.name for p in (self.released_dir / assignment_id).glob("*.ipynb") if p.is_file())

    # submissions ----------------------------------------------------------------------
    def receive(self, user: str, assignment_id: str, submission: Submission, now: dt.datetime) -> Receipt:
        """Keep ``submission`` as ``user``'s of ``assignment_id`` at the server's ``now``."""
        check_name(USERNAME, user, "user name")
        check_name(ASSIGNMENT_ID, assignment_id, "assignment id")
        if not self.is_released(assignment_id):
            raise StoreError(f"{assignment_id!r} is not released, so it cannot be submitted")
        if len(self.submissions(user, assignment_id)) >= MAX_SUBMISSIONS:
            raise StoreError(f"you have submitted {assignment_id} {MAX_SUBMISSIONS} times, the most the course "
                             "keeps; ask your supervisor")
        folder = _private_folder(self.submissions_dir, user, assignment_id)
        staging = Path(os.path.join(self.incoming_dir, f"{user}+{assignment_id}+{stamp_of(now)}"))
        _private_folder(staging.parent, staging.name)
        try:
            _write_new(staging / "answers.json", canonical_answers(submission.answers))
            _private_folder(staging, "record")
            for name, data in submission.notebooks:
                check_name(NOTEBOOK_NAME, name, "notebook name")
                _write_new(staging / "record" / name, data)
            moment = now
            while True:  # two submissions in one microsecond: the later one a microsecond on
                receipt = Receipt(user, assignment_id, stamp_of(moment))
                _write_new(staging / "receipt.json", json.dumps(
                    {"user": user, "assignment_id": assignment_id, "submitted_at": receipt.timestamp}).encode())
                try:
                    os.rename(staging, folder / receipt.stamp)
                    break
                except OSError:
                    if not (folder / receipt.stamp).exists():
                        raise
                    (staging / "receipt.json").unlink()
                    moment += dt.timedelta(microseconds=1)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        sync_folder(folder)
        return receipt

    def submissions(self, user: str, assignment_id: str | None = None) -> list[Receipt]:
        """``user``'s submissions (of one assignment, or all), oldest first."""
        check_name(USERNAME, user, "user name")
        base = self.submissions_dir / user
        if not base.is_dir():
            return []
        assignments = [assignment_id] if assignment_id else sorted(p.name for p in base.iterdir())
        return [Receipt(user, aid, stamp.name)
                for aid in assignments if ASSIGNMENT_ID.match(aid) and (base / aid).is_dir()
                for stamp in sorted((base / aid).iterdir()) if STAMP.match(stamp.name)]

    def users(self) -> list[str]:
        if not self.submissions_dir.is_dir():
            return []
        return sorted(p.name for p in self.submissions_dir.iterdir() if USERNAME.match(p.name) and p.is_dir())

    def folder_of(self, receipt: Receipt) -> Path:
        return self.submissions_dir / receipt.user / receipt.assignment_id / receipt.stamp

    # feedback -------------------------------------------------------------------------
    def put_feedback(self, receipt: Receipt, files: dict[str, bytes]) -> None:
        """Replace the feedback on ``receipt``'s submission by ``files`` (name -> HTML)."""
        folder = _private_folder(self.feedback_dir, receipt.user, receipt.assignment_id)
        staging = self.incoming_dir / f"feedback-{receipt.user}+{receipt.assignment_id}+{receipt.stamp}"
        shutil.rmtree(staging, ignore_errors=True)
        _private_folder(staging.parent, staging.name)
        for name, data in files.items():
            _write_new(staging / name, data)
        target = folder / receipt.stamp
        if target.exists():
            old = self.incoming_dir / f"old-{staging.name}"
            os.rename(target, old)
            shutil.rmtree(old)
        os.rename(staging, target)
        sync_folder(folder)

    def feedback(self, receipt: Receipt) -> dict[str, bytes]:
        """The feedback released on one submission (none yet: empty)."""
        folder = self.feedback_dir / receipt.user / receipt.assignment_id / receipt.stamp
        return {name: data for name, data in _regular_files(folder).items() if "/" not in name} \
            if folder.is_dir() else {}
