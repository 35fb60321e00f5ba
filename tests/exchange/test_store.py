"""The course service's store keeps whole submissions under the hub's names, privately, following no link."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from trainingkit.answers import Answer
from trainingkit.exchange.store import CourseStore, StoreError, stamp_of_timestamp
from trainingkit.exchange.submission import Submission

NOW = dt.datetime(2026, 12, 5, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)
SUBMISSION = Submission((Answer("q1", "a", ""),), (("a1.ipynb", b'{"cells": []}'),))


@pytest.fixture
def store(tmp_path: Path) -> CourseStore:
    release = tmp_path / "release" / "a1"
    release.mkdir(parents=True)
    (release / "a1.ipynb").write_text('{"cells": []}')
    store = CourseStore(tmp_path / "store").create()
    store.release("a1", release)
    return store


def test_two_submissions_in_one_microsecond_are_both_kept(store: CourseStore) -> None:
    """The second of two submissions stamped alike is kept a microsecond later, not over the first."""
    first = store.receive("alice", "a1", SUBMISSION, NOW)
    second = store.receive("alice", "a1", SUBMISSION, NOW)
    assert second.submitted_at - first.submitted_at == dt.timedelta(microseconds=1)
    assert store.submissions("alice", "a1") == [first, second]
    assert stamp_of_timestamp(second.timestamp) == second.stamp


def test_everything_kept_is_private_to_the_grader(store: CourseStore) -> None:
    """Folders are 0700 and files 0600, whatever the umask."""
    receipt = store.receive("alice", "a1", SUBMISSION, NOW)
    for path in [store.root, *store.root.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert (store.folder_of(receipt) / "record" / "a1.ipynb").exists()


@pytest.mark.parametrize("user, assignment", [("../bob", "a1"), ("alice", "../../etc"), ("Alice+x", "a1"),
                                              ("alice", "not-released")])
def test_a_name_that_could_leave_the_store_or_an_unreleased_assignment_is_refused(
        store: CourseStore, user: str, assignment: str) -> None:
    """Names are checked against strict patterns before they name a folder."""
    with pytest.raises(StoreError):
        store.receive(user, assignment, SUBMISSION, NOW)
    assert not list(store.submissions_dir.rglob("*.json"))


def test_release_copies_no_link_and_a_half_written_submission_leaves_nothing(store: CourseStore,
                                                                               tmp_path: Path) -> None:
    """A link in the release folder is not followed, and a failed write removes its staging folder."""
    source = tmp_path / "release2"
    source.mkdir()
    (source / "a2.ipynb").write_text("{}")
    os.symlink("/etc/passwd", source / "passwd")
    store.release("a2", source)
    assert sorted(store.released_files("a2")) == ["a2.ipynb"]
    bad = Submission((), (("../escape.ipynb", b"{}"),))
    with pytest.raises(StoreError, match="not a valid notebook name"):
        store.receive("alice", "a2", bad, NOW)
    assert list(store.incoming_dir.iterdir()) == [] and store.submissions("alice", "a2") == []


def test_feedback_belongs_to_one_submission_and_is_replaced_whole(store: CourseStore) -> None:
    """Released feedback is found under its own submission only; releasing again replaces it."""
    first = store.receive("alice", "a1", SUBMISSION, NOW)
    second = store.receive("alice", "a1", SUBMISSION, NOW + dt.timedelta(seconds=5))
    store.put_feedback(second, {"a1.html": b"v1"})
    store.put_feedback(second, {"a1.html": b"v2"})
    assert store.feedback(second) == {"a1.html": b"v2"} and store.feedback(first) == {}
