"""nbgrader's folder exchange as ``make lab`` keeps it, with the score of each returned submission.

In the lab one account plays every role and nbgrader's own folder exchange carries the work.
Its listing is nbgrader's; :class:`FolderList` adds to each submission whose letter has been
fetched the letter's score sentence (``score``), read from the local copy as text
(:func:`trainingkit.returned.score_of_feedback`), for the Assignments panel to show. A
submission with nothing fetched gets no ``score``. The folder exchange has no review sittings,
so no ``due_date`` (the course service gives one on the hub: :class:`~trainingkit.exchange.client.ServiceList`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgrader.exchange.default.list import ExchangeList

from trainingkit.returned import score_of_feedback


def with_scores(assignments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``assignments`` (a listing of submissions), each submission with fetched feedback given its ``score``."""
    for assignment in assignments:
        for submission in assignment.get("submissions", []):
            folder = submission.get("local_feedback_path")
            score = score_of_feedback(Path(folder)) if submission.get("has_local_feedback") and folder else ""
            if score:
                submission["score"] = score
    return assignments


class FolderList(ExchangeList):
    """nbgrader's folder listing, with each fetched letter's score on its submission."""

    def parse_assignments(self) -> list[dict[str, Any]]:
        assignments = super().parse_assignments()
        return with_scores(assignments) if self.cached else assignments  # a trainee's own submissions
