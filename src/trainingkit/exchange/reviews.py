"""The course service's review desk: which review form a caller is offered, and whether they may submit it.

Each fixed review form is its own nbgrader assignment (``ethics-review`` is cycle 1's form,
``ethics-review-2`` cycle 2's, ...), released by the grader like any other; the desk hides
them all but one: a coach (a trainee with a coach id in the course's roster) sees the
assignment of their open sitting, with its due date, and nobody else sees any. When the
office's list of open renewal windows names a coach with no sitting in progress, the desk
opens one as the coach looks (:func:`trainingkit.exam.sitting_register.open_from_office`).
A submission of a review form is taken only into an open sitting, on or before its due date
(the course service's date), and closes it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from trainingkit.exam.sitting_register import SittingRegister, open_from_office
from trainingkit.exam.sittings import ReviewForm, Sitting, SittingError, closed_message, late_message, sitting_of
from trainingkit.renewal.windows import WindowsError, read_windows

log = logging.getLogger("trainingkit.course-service")


@dataclass(frozen=True)
class ReviewDesk:
    register: SittingRegister
    forms: tuple[ReviewForm, ...]
    #: The course's roster (``username,role,name,coach_id,email``): who is a coach.
    roster: Path
    #: The office's published list of open renewal windows (None: sittings open only by a supervisor).
    windows: Path | None = None
    #: The course's time zone (course.yaml), whose calendar days a sitting's due day is counted in
    #: (None: the machine's own, as the letters' times are).
    zone: dt.tzinfo | None = None

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The course's calendar day at ``moment`` (an aware time, from the service's clock)."""
        return moment.astimezone(self.zone).date()

    @property
    def review_ids(self) -> frozenset[str]:
        return frozenset(form.assignment_id for form in self.forms)

    def coach_id(self, user: str) -> str:
        from trainingkit.hub.roster import RosterError, read_roster

        if not self.roster.exists():
            return ""
        try:
            members = read_roster(self.roster, reserved=frozenset())
        except RosterError as error:
            log.error("no review offered: %s", error)
            return ""
        return next((m.coach_id for m in members if m.username == user), "")

    def latest(self, user: str, today: dt.date) -> Sitting | None:
        """``user``'s latest sitting, after opening one if the office's list says their window is open."""
        coach = self.coach_id(user)
        if not coach:
            return None
        try:
            if self.windows is not None:
                opened, skipped = open_from_office(self.register, windows=read_windows(self.windows),
                                                   coaches={user: coach}, forms=self.forms, on=today, only=user)
                for sitting in opened:
                    log.info("opened sitting %d (%s, due %s) for coach %s (%s), from the office's list",
                             sitting.number, sitting.form_id, sitting.due, coach, user)
                for reason in skipped:
                    log.warning("%s", reason)
            sitting = sitting_of(self.register.sittings(), user)
        except (SittingError, WindowsError) as error:
            log.error("no review offered to %s: %s", user, error)
            return None
        return sitting if sitting is not None and sitting.coach_id == coach else None

    def hidden(self, sitting: Sitting | None) -> frozenset[str]:
        """The review assignments a caller whose latest sitting is ``sitting`` may not see or fetch (every
        one but that sitting's, while it is open)."""
        offered = {sitting.assignment_id} if sitting is not None and sitting.is_open else set()
        return self.review_ids - offered

    def to_submit(self, user: str, assignment_id: str, today: dt.date) -> Sitting:
        """``user``'s open sitting of ``assignment_id``, or :class:`SittingError` saying why it is refused
        (already submitted, past its due date on ``today``, or not theirs)."""
        sitting = self.latest(user, today)
        if sitting is not None and sitting.assignment_id == assignment_id and sitting.is_open:
            if today > sitting.due:
                raise SittingError(late_message(sitting))
            return sitting
        closed = sitting_of(self.register.sittings(), user, assignment_id)
        if closed is not None and not closed.is_open:
            raise SittingError(closed_message(closed))
        raise SittingError(f"{assignment_id} is not an assignment released to you")


def with_sitting_header(notebook: bytes, sitting: Sitting) -> bytes:
    """The released notebook with a first cell naming the sitting's due date (not graded, not locked)."""
    try:
        document = json.loads(notebook)
    except ValueError:
        return notebook
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        return notebook
    text = (f"**Your review sitting** is due by **{sitting.due:%A %-d %B %Y}** (the end of your renewal "
            "window). You submit it once: your first submission is the one that counts, so submit when "
            "every answer is as you want it. There is no timer; save and come back as often as you need.")
    cell = {"cell_type": "markdown", "metadata": {"trainingkit": {"sitting": "due"}}, "source": text}
    if (document.get("nbformat", 0), document.get("nbformat_minor", 0)) >= (4, 5):
        cell["id"] = "sitting-due"  # cell ids exist from nbformat 4.5
    document["cells"].insert(0, cell)
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
