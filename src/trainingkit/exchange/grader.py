"""nbgrader's exchange on the grader's side: release, collect and release feedback on the service's store.

These run as the grader account (the formgrader's buttons, ``nbgrader release_assignment``,
``collect`` and ``release_feedback`` in the course folder) and touch only the course
service's store (:class:`~trainingkit.exchange.store.CourseStore`), which no one else can
read or write. Collect reads nothing a trainee wrote but the answers the service already
parsed and rebuilt: into ``submitted/USER/ASSIGNMENT/`` go that answers file, the
assignment's released notebook (grading never reads the trainee's copy, which stays in the
store for the record) and ``timestamp.txt`` with the time the service received it.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.abc import (Exchange, ExchangeCollect, ExchangeList, ExchangeReleaseAssignment,
                                   ExchangeReleaseFeedback)
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback as DefaultReleaseFeedback
from traitlets import Unicode

from trainingkit.exchange.store import USERNAME, CourseStore, Receipt, StoreError, stamp_of_timestamp


class StoreExchange(Exchange):
    """What every grader-side plugin shares: the store."""

    store_root = Unicode(help="The course service's store (the grader's alone).").tag(config=True)

    @property
    def store(self) -> CourseStore:
        if not self.store_root:
            self.fail("no course store is configured (c.StoreExchange.store_root)")
        return CourseStore(Path(self.store_root)).create()

    def set_timestamp(self) -> None:
        self.timestamp = ""


class StoreReleaseAssignment(ExchangeReleaseAssignment, StoreExchange):
    """Makes ``release/ASSIGNMENT`` what the service hands out."""

    def start(self) -> None:
        assignment_id = self.coursedir.assignment_id
        source = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", assignment_id))
        if not source.is_dir():
            self.fail(f"{source}: not generated; run `nbgrader generate_assignment {assignment_id}` first")
        try:
            self.store.release(assignment_id, source, force=self.force)
        except StoreError as error:
            self.fail(str(error))
        self.log.info("Released %s: trainees can fetch it from the course service", assignment_id)


class StoreList(ExchangeList, StoreExchange):
    """The released assignments (or, with ``--inbound``, the submissions received); ``--remove`` unreleases."""

    def start(self) -> list[dict[str, Any]]:
        store, wanted = self.store, self.coursedir.assignment_id or "*"
        course_id = self.coursedir.course_id
        if self.inbound or self.cached:
            users = [self.coursedir.student_id] if self.coursedir.student_id not in ("", "*") else store.users()
            listed = []
            for user in users:
                for receipt in store.submissions(user):
                    if wanted in ("*", receipt.assignment_id):
                        listed.append({"course_id": course_id, "student_id": user,
                                       "assignment_id": receipt.assignment_id, "timestamp": receipt.timestamp,
                                       "status": "submitted"})
                        self.log.info("%s %s %s %s", course_id, user, receipt.assignment_id, receipt.timestamp)
            return listed
        listed = []
        for assignment_id in store.released():
            if wanted not in ("*", assignment_id):
                continue
            folder = store.released_dir / assignment_id
            listed.append({"course_id": course_id, "assignment_id": assignment_id,
                           "status": "removed" if self.remove else "released", "path": str(folder),
                           "notebooks": [{"notebook_id": Path(name).stem, "path": str(folder / name)}
                                         for name in store.released_notebooks(assignment_id)]})
            self.log.info("%s %s", course_id, assignment_id)
            if self.remove:
                store.unrelease(assignment_id)
        return listed


class StoreCollect(ExchangeCollect, StoreExchange):
    """Puts each trainee's latest submission (or latest before the due date) into ``submitted/``."""

    def start(self) -> None:
        store, assignment_id = self.store, self.coursedir.assignment_id
        student = self.coursedir.student_id
        users = [student] if student not in ("", "*") and USERNAME.match(student) else store.users()
        due = self._duedate()
        collected = 0
        for user in users:
            receipts = store.submissions(user, assignment_id)
            if not receipts:
                continue
            chosen = receipts[-1]
            if self.before_duedate and due is not None:
                on_time = [r for r in receipts if r.submitted_at.replace(tzinfo=None) <= due]
                chosen = on_time[-1] if on_time else chosen
            collected += self._collect(store, chosen)
        if not collected:
            self.log.warning("No new submissions of '%s' to collect", assignment_id)

    def _duedate(self) -> Any:
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                return gradebook.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                return None

    def _collect(self, store: CourseStore, receipt: Receipt) -> int:
        destination = Path(self.coursedir.format_path(self.coursedir.submitted_directory, receipt.user,
                                                      receipt.assignment_id))
        existing = self.coursedir.get_existing_timestamp(str(destination)) if destination.is_dir() else None
        received = receipt.submitted_at.replace(tzinfo=None)  # nbgrader's times are naive UTC
        if existing is not None and not ((self.update and received > existing) or
                                         (self.before_duedate and received != existing)):
            self.log.info("No newer submission to collect: %s %s", receipt.user, receipt.assignment_id)
            return 0
        staging = destination.with_name(f".{destination.name}.collecting")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700, parents=True)
        shutil.copyfile(store.folder_of(receipt) / "answers.json", staging / "answers.json")
        for name in store.released_notebooks(receipt.assignment_id):
            shutil.copyfile(store.released_dir / receipt.assignment_id / name, staging / name)
        (staging / "timestamp.txt").write_text(receipt.timestamp)
        if destination.exists():
            shutil.rmtree(destination)
        os.rename(staging, destination)
        self.log.info("%s submission: %s %s (received %s)", "Updating" if existing else "Collecting",
                      receipt.user, receipt.assignment_id, receipt.timestamp)
        return 1


class RecordsReviewResults:
    """Releasing the ethics review's feedback records each released result in the office's results
    register (:mod:`trainingkit.exam.results`): releasing is when a result is final."""

    coursedir: Any
    log: Any

    def record_results(self, users: list[str] | None) -> None:
        """Append the released review results (of ``users``; ``None``: everyone's) to the register.

        A failure is told, never raised (the feedback is out already), with the command that
        catches up.
        """
        from trainingkit.course import Course
        from trainingkit.exam.results import ResultsError, record_released
        from trainingkit.renewal.eventlog import EventLogError

        assignment_id = self.coursedir.assignment_id
        course = Course(Path(self.coursedir.root).resolve().parent)
        try:
            recorded = record_released(course=course, assignment_id=assignment_id, db_url=self.coursedir.db_url,
                                       students=None if users is None else set(users))
        except (ResultsError, EventLogError, OSError) as error:
            self.log.error("The results of %s were not recorded for the office: %s. Put it right, then run "
                           "`trainingkit review results %s`.", assignment_id, error, assignment_id)
            return
        for line in recorded.summary() if recorded is not None else []:
            self.log.info("Results register: %s", line)


class FolderReleaseFeedback(RecordsReviewResults, DefaultReleaseFeedback):
    """nbgrader's own release of feedback to the folder exchange (``make lab``), recording review results."""

    def start(self) -> None:
        super().start()
        student = self.coursedir.student_id
        self.record_results(None if student in ("", "*") else [student])


class StoreReleaseFeedback(RecordsReviewResults, ExchangeReleaseFeedback, StoreExchange):
    """Hands each trainee the feedback generated on their collected submission, through the service,
    and records the ethics review's released results for the office."""

    def start(self) -> None:
        released = self._release()
        if released:
            self.record_results(released)

    def _release(self) -> list[str]:
        """Put each collected submission's feedback in the store; return the users released."""
        store, assignment_id = self.store, self.coursedir.assignment_id
        student = self.coursedir.student_id
        released: list[str] = []
        pattern = self.coursedir.format_path(self.coursedir.feedback_directory,
                                             student if student not in ("", "*") else "*", assignment_id)
        for folder in map(Path, sorted(glob.glob(pattern))):
            user = folder.parent.name
            timestamp_file = folder / "timestamp.txt"
            if not USERNAME.match(user) or not timestamp_file.is_file():
                continue
            receipt = Receipt(user, assignment_id, stamp_of_timestamp(timestamp_file.read_text()))
            if not store.folder_of(receipt).is_dir():
                self.log.error("No submission of %s by %s received at %s: feedback not released", assignment_id,
                               user, receipt.timestamp)
                continue
            files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.html"))
                     if path.is_file() and not path.is_symlink()}
            store.put_feedback(receipt, files)
            released.append(user)
            self.log.info("Releasing feedback for student '%s' on assignment '%s' (%s)", user, assignment_id,
                          receipt.timestamp)
        return released
