"""Returned feedback, shown where the work is: the summary of the newest letter, in the assignment notebook.

When feedback is fetched (the Assignments panel's *Fetch Feedback*), nbgrader's exchange
puts the letter in ``ASSIGNMENT/feedback/TIMESTAMP/NOTEBOOK.html`` beside the trainee's
notebook. The notebook's summary cell calls :func:`feedback_summary`, which finds the
newest letter there and shows its summary (``div.tk-summary``) and score line.

The letter was written by the course, but the copy sits in the trainee's own folder, so it
is read as data: only text and a few plain tags (:data:`KEPT_TAGS`) are kept, every text
escaped, every attribute dropped. No script, link or style reaches the notebook.
:func:`score_of_feedback` gives the Assignments panel the letter's score sentence, as text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

#: The tags of a summary that are drawn again in the notebook (without attributes).
KEPT_TAGS = frozenset({"h2", "h3", "p", "ul", "li", "strong", "em", "q", "br"})
#: A letter larger than this is not a letter of the course's: not read.
MAX_LETTER_BYTES = 2_000_000
WAITING = "Your feedback summary appears here once your supervisor returns your graded work and you fetch it."


class _Summary(HTMLParser):
    """The summary and the score line of a letter, as plain tags and escaped text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.facts: list[str] = []
        self._depth = 0  # inside div.tk-summary: how many open divs
        self._in_facts = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and (self._depth or "tk-summary" in classes):
            self._depth += 1
        elif tag == "p" and "tk-letter-facts" in classes:
            self._in_facts = True
        elif self._depth and tag in KEPT_TAGS:
            self.parts.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag == "p" and self._in_facts:
            self._in_facts = False
        elif self._depth and tag in KEPT_TAGS and tag != "br":
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.parts.append(html.escape(data))
        elif self._in_facts:
            self.facts.append(data)


def newest_letter(folder: Path) -> Path | None:
    """The newest letter under ``folder/feedback/`` (by its timestamp folder's name, then the file's time)."""
    letters = [path for path in (folder / "feedback").glob("*/*.html") if path.is_file() and not path.is_symlink()]
    return max(letters, key=lambda path: (path.parent.name, path.stat().st_mtime), default=None)


def read_letter(path: Path) -> str | None:
    """A letter's text, or None when it cannot be read or is larger than a letter of the course's."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LETTER_BYTES + 1)
    except OSError:
        return None
    if not 0 < len(data) <= MAX_LETTER_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


#: The score sentence of a letter's facts line (grading.letter.score_words writes it).
SCORE_SENTENCE = re.compile(r"Your score(?: so far)?: \d[\d.]* of \d[\d.]* points(?:;[^.]*)?\.")


def score_of_letter(text: str) -> str:
    """The letter's score sentence ("Your score: 27 of 30 points."), as plain text; empty if it has none."""
    reader = _Summary()
    reader.feed(text)
    facts = " ".join(" ".join(reader.facts).split())
    found = SCORE_SENTENCE.search(facts)
    return found.group(0) if found else ""


def score_of_feedback(folder: Path) -> str:
    """The score sentence of the letters fetched into ``folder`` (``ASSIGNMENT/feedback/TIMESTAMP``): the
    first notebook's letter that has one; empty when none does (nothing fetched, or not a letter of ours)."""
    try:
        letters = sorted(path for path in folder.glob("*.html") if path.is_file() and not path.is_symlink())
    except OSError:
        return ""
    for letter in letters:
        text = read_letter(letter)
        score = score_of_letter(text) if text is not None else ""
        if score:
            return score
    return ""


def summary_of_letter(text: str) -> str:
    """The letter's score line and summary as safe HTML; empty when the page holds no summary."""
    reader = _Summary()
    reader.feed(text)
    if not reader.parts:
        return ""
    facts = " ".join(" ".join(reader.facts).split())
    return (f"<div class='tk-returned'>{'<p><strong>' + html.escape(facts) + '</strong></p>' if facts else ''}"
            f"{''.join(reader.parts)}</div>")


def summary_html(folder: Path) -> str:
    """What the assignment's summary cell shows: the newest letter's summary, or when to expect one."""
    letter = newest_letter(folder)
    if letter is not None:
        text = read_letter(letter)
        if text is not None:
            summary = summary_of_letter(text)
            if summary:
                where = html.escape(str(letter.relative_to(folder)))
                return summary + f"<p>The whole letter, question by question: <code>{where}</code></p>"
    return f"<p class='tk-placeholder'><em>{html.escape(WAITING)}</em></p>"


def feedback_summary(folder: Path | str | None = None) -> Any:
    """The summary cell of an assignment notebook (the kernel's folder by default)."""
    import os

    import ipywidgets as widgets

    widget = widgets.HTML(summary_html(Path(folder) if folder is not None else Path(os.getcwd())))
    widget.add_class("tk-feedback-summary")
    return widget
