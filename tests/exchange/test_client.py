"""A trainee's own process reads what it submits, and refuses anything but a small regular file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainingkit.exchange.client import ServiceList, read_own_file


def test_a_regular_file_is_read_and_a_missing_one_is_none(tmp_path: Path) -> None:
    """The bytes of a regular file come back whole; a file that is not there is None, not an error."""
    (tmp_path / "answers.json").write_bytes(b"{}")
    assert read_own_file(tmp_path / "answers.json", 10) == b"{}"
    assert read_own_file(tmp_path / "absent.json", 10) is None


@pytest.mark.parametrize("plant", ["fifo", "device", "folder"])
def test_a_pipe_a_device_or_a_folder_is_refused_without_reading(tmp_path: Path, plant: str) -> None:
    """A named pipe (which would block), /dev/zero (which never ends) or a folder is refused by name."""
    path = tmp_path / "answers.json"
    if plant == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero" if plant == "device" else "/usr")
    with pytest.raises(OSError, match="answers.json: not a regular file"):
        read_own_file(path, 10)


def test_a_file_past_the_limit_is_refused_at_one_byte_over(tmp_path: Path) -> None:
    """Exactly the limit is read; one byte more is refused, naming the file and the limit."""
    path = tmp_path / "answers.json"
    path.write_bytes(b"x" * 10)
    assert read_own_file(path, 10) == b"x" * 10
    path.write_bytes(b"x" * 11)
    with pytest.raises(OSError, match="answers.json: larger than the 10 bytes"):
        read_own_file(path, 10)


LETTER = ("<html><body><h1>Feedback: Foundations</h1><p class='tk-letter-facts'>Submitted on Saturday 5 December "
          "2026 at 21:12 (UTC).\n Your score: 27 of 30 points.</p><div class='tk-summary'><p>Well done</p></div>"
          "</body></html>")
RECEIPT = {"assignment_id": "practice", "timestamp": "2026-12-05 21:12:22.972182 UTC", "stamp": "s1",
           "feedback": {"practice.html": "0" * 64}}


def _lister(tmp_path: Path) -> ServiceList:
    from nbgrader.coursedir import CourseDirectory

    lister = ServiceList(coursedir=CourseDirectory(course_id="trauma-recovery-coaching"))
    lister.assignment_dir = str(tmp_path)
    return lister


def test_a_submission_whose_letter_is_fetched_carries_the_letter_s_score(tmp_path: Path) -> None:
    """The listing gives each submission the score sentence of its fetched letter, and none before the fetch."""
    lister = _lister(tmp_path)
    before = lister._submission(RECEIPT)
    assert before["has_exchange_feedback"] and not before["has_local_feedback"] and "score" not in before
    folder = tmp_path / "practice" / "feedback" / RECEIPT["timestamp"]
    folder.mkdir(parents=True)
    (folder / "practice.html").write_text(LETTER)
    after = lister._submission(RECEIPT)
    assert after["has_local_feedback"] and after["score"] == "Your score: 27 of 30 points."


def test_a_submission_with_no_feedback_released_says_so_and_has_no_score(tmp_path: Path) -> None:
    """Before the supervisor releases feedback, the submission has no exchange feedback (the panel's "Not graded yet")."""
    ungraded = _lister(tmp_path)._submission({**RECEIPT, "feedback": {}})
    assert not ungraded["has_exchange_feedback"] and "score" not in ungraded
