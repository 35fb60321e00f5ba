"""The lab's folder exchange lists each returned submission with the score its fetched letter gives."""

from __future__ import annotations

from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from trainingkit.course import COURSE_ID, Course
from trainingkit.exchange.folder import FolderList
from trainingkit.grading.config import configure

TIMESTAMP = "2026-12-05 21:12:22.972182 UTC"
LETTER = ("<html><body><p class='tk-letter-facts'>Submitted on Saturday 5 December 2026 at 21:12 (UTC).\n"
          " Your score so far: 20 of 30 points; your supervisor has 1 written reflection still to grade.</p>"
          "<div class='tk-summary'><p>Well done</p></div></body></html>")


def _submitted_listing(tmp_path: Path) -> list[dict]:
    """nbgrader's cached listing of one submission, as the Assignments panel asks for it."""
    config = Config()
    config.Exchange.root = str(tmp_path / "exchange")
    config.Exchange.cache = str(tmp_path / "cache")
    config.Exchange.assignment_dir = str(tmp_path / "work")
    config.Exchange.path_includes_course = True
    config.ExchangeList.cached = True
    coursedir = CourseDirectory(config=config, course_id=COURSE_ID)
    return FolderList(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()


def test_a_fetched_letter_gives_its_submission_a_score_and_an_unfetched_one_none(tmp_path: Path) -> None:
    """Before the letter is fetched the submission has no score; once it is, the letter's own score sentence."""
    (tmp_path / "exchange" / COURSE_ID).mkdir(parents=True)
    submitted = tmp_path / "cache" / COURSE_ID / f"me+practice+{TIMESTAMP}"
    submitted.mkdir(parents=True)
    (submitted / "practice.ipynb").write_text("{}")
    (submitted / "timestamp.txt").write_text(TIMESTAMP)
    (before,) = _submitted_listing(tmp_path)[0]["submissions"]
    assert not before["has_local_feedback"] and "score" not in before
    feedback = tmp_path / "work" / COURSE_ID / "practice" / "feedback" / TIMESTAMP
    feedback.mkdir(parents=True)
    (feedback / "practice.html").write_text(LETTER)
    (after,) = _submitted_listing(tmp_path)[0]["submissions"]
    assert after["has_local_feedback"]
    assert after["score"] == ("Your score so far: 20 of 30 points; your supervisor has 1 written reflection "
                              "still to grade.")


def test_the_lab_lists_through_the_folder_list_and_the_hub_through_the_service(tmp_path: Path) -> None:
    """The lab's configuration names the folder list; a shared course's grader keeps its store's list."""
    lab, shared = Config(), Config()
    configure(lab, course=Course(tmp_path))
    configure(shared, course=Course(tmp_path), shared=True)
    assert lab.ExchangeFactory.list == "trainingkit.exchange.folder.FolderList"
    assert shared.ExchangeFactory.list == "trainingkit.exchange.grader.StoreList"
