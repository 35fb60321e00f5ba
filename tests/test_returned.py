"""The returned letter's summary, shown in the assignment notebook where the work is."""

from __future__ import annotations

import os
from pathlib import Path

from trainingkit.returned import (MAX_LETTER_BYTES, WAITING, score_of_feedback, score_of_letter, summary_html,
                                 summary_of_letter)

LETTER = """<!DOCTYPE html><html lang="en"><head><title>Feedback: X</title><script>alert(1)</script></head>
<body><main><h1>Feedback: X</h1><p class="tk-letter-facts">Submitted on Saturday 5 December 2026 at 22:12 (CET).
 Your score: 9 of 14 points.</p><div class='tk-summary'><h2>Your feedback</h2><h3>What you did well</h3>
<ul><li>Scope <em>(Scope)</em> <a href="javascript:alert(2)" onclick="x()">link</a></li></ul>
<p>Your supervisor wrote: <q class='tk-comment'>Good &amp; clear &lt;b&gt;</q></p></div>
<div class="cell"><p>Question 1 of 8</p></div></main></body></html>"""


def _letter(folder: Path, stamp: str, text: str) -> Path:
    path = folder / "feedback" / stamp / "practice.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_summary_keeps_plain_tags_and_text_only() -> None:
    """Score line and summary come through; scripts, links, attributes and the rest of the letter do not."""
    summary = summary_of_letter(LETTER)
    assert "Your score: 9 of 14 points." in summary and "<h3>What you did well</h3>" in summary
    assert "Good &amp; clear &lt;b&gt;" in summary
    for gone in ("script", "alert", "href", "onclick", "class='tk-comment'", "Question 1 of"):
        assert gone not in summary, gone


def test_the_notebook_waits_then_shows_the_newest_letter(tmp_path: Path) -> None:
    """Before feedback it says when the summary comes; afterwards the newest letter's summary and where the letter is."""
    assert WAITING in summary_html(tmp_path)
    _letter(tmp_path, "2026-12-01 10:00:00.000001 UTC", LETTER.replace("9 of 14", "5 of 14"))
    _letter(tmp_path, "2026-12-05 21:12:22.972182 UTC", LETTER)
    shown = summary_html(tmp_path)
    assert "9 of 14" in shown and "5 of 14" not in shown
    assert "feedback/2026-12-05 21:12:22.972182 UTC/practice.html" in shown


def test_a_link_in_the_feedback_folder_is_not_followed(tmp_path: Path) -> None:
    """A letter that is a symbolic link is passed over."""
    target = tmp_path / "elsewhere.html"
    target.write_text(LETTER)
    (tmp_path / "feedback" / "t").mkdir(parents=True)
    os.symlink(target, tmp_path / "feedback" / "t" / "x.html")
    assert WAITING in summary_html(tmp_path)


def test_the_score_sentence_is_read_from_the_letter_as_text() -> None:
    """The panel's score is the letter's own score sentence, "so far" included; a page without one gives nothing."""
    assert score_of_letter(LETTER) == "Your score: 9 of 14 points."
    waiting = LETTER.replace("Your score: 9 of 14 points.", "Your score so far: 7.5 of 14 points; your supervisor "
                             "has 1 written reflection still to grade.")
    assert score_of_letter(waiting) == ("Your score so far: 7.5 of 14 points; your supervisor has 1 written "
                                        "reflection still to grade.")
    assert score_of_letter("<p>Your score: 9 of 14 points.</p>") == ""  # not in the letter's facts line
    hostile = LETTER.replace("Your score: 9 of 14 points.", "Your score: <b onclick='x()'>9</b> of 14 points.")
    assert score_of_letter(hostile) == "Your score: 9 of 14 points."


def test_the_score_of_a_feedback_folder_comes_from_its_letter(tmp_path: Path) -> None:
    """A fetched folder gives its letter's score; an empty or missing folder, a link, or an oversized file gives none."""
    folder = _letter(tmp_path, "2026-12-05 21:12:22.972182 UTC", LETTER).parent
    assert score_of_feedback(folder) == "Your score: 9 of 14 points."
    assert score_of_feedback(tmp_path / "feedback" / "absent") == ""
    (folder / "practice.html").unlink()
    (folder / "practice.html").symlink_to(_letter(tmp_path, "elsewhere", LETTER))
    assert score_of_feedback(folder) == ""
    (folder / "practice.html").unlink()
    (folder / "practice.html").write_text(LETTER + " " * MAX_LETTER_BYTES)
    assert score_of_feedback(folder) == ""
