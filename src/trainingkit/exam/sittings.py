"""Review sittings: one coach, one form, one submission. Pure rules, no I/O.

A *sitting* is one offer of the ethics review to one certified coach (a trainee with a coach
id): the form they get, the day it was opened and by whom (the office's list of open renewal
windows, or a supervisor), its due date (the window's end), when it was submitted and the
result. The rules:

* a coach has at most one sitting at a time: a new one opens only when every earlier one is
  submitted and has its result, or was missed (still open after its due day,
  :meth:`Sitting.missed_by`: a coach who let one window pass can sit in the next);
* a coach has at most the office's ``sittings_per_window`` sittings in one renewal window
  (:func:`sittings_in_window`); after that, none opens in that window and the refusal
  (:func:`window_full_message`) refers the coach to the office;
* the form of a new sitting is one they never sat, sharing no item with any form they sat
  before (:func:`next_form`); when no form is left, the refusal says what to do;
* one submission closes a sitting (:func:`submit`); a second is refused with the plain
  message :func:`closed_message`, which the Assignments panel shows;
* a sitting is due by the end of its due day; a submission after it is refused with
  :func:`late_message` (the course service's clock decides, never the trainee's);
* the result is pass or fail by the form's cut score, the one pass mark everywhere
  (:func:`record_result`).

The register of sittings (:mod:`trainingkit.exam.sitting_register`) is the instructor side's,
kept privately in the course service's store; what it holds is folded from its lines by
:func:`fold`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = ["Result", "ReviewForm", "Sitting", "SittingError", "closed_message", "fold", "late_message",
           "next_form", "open_sitting", "record_result", "sitting_of", "sittings_in_window", "submit",
           "window_full_message"]


class SittingError(ValueError):
    """A sitting cannot be opened, submitted or given a result; the message says why, plainly."""


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"


@dataclass(frozen=True)
class ReviewForm:
    """A fixed review form a coach can sit: its id (``cycle-N``), its nbgrader assignment, its
    items and its cut score (percent)."""

    form_id: str
    assignment_id: str
    items: frozenset[str]
    cut_score: float


@dataclass(frozen=True)
class Sitting:
    """One coach's sitting of one form."""

    number: int
    coach_id: str
    username: str
    form_id: str
    assignment_id: str
    opened_on: dt.date
    due: dt.date
    #: ``office`` (its list of open renewal windows) or the supervisor who opened it.
    opened_by: str
    #: When the course service received the one submission (UTC, ISO 8601); empty while open.
    submitted_at: str = ""
    score: float | None = None
    cut_score: float | None = None

    @property
    def is_open(self) -> bool:
        return not self.submitted_at

    def missed_by(self, day: dt.date) -> bool:
        """Open past its due day: never submitted, and no longer takes a submission."""
        return self.is_open and self.due < day

    @property
    def result(self) -> Result | None:
        if self.score is None or self.cut_score is None:
            return None
        return Result.PASS if self.score >= self.cut_score else Result.FAIL

    @property
    def state(self) -> str:
        """``open``, ``submitted`` (awaiting its result), ``pass`` or ``fail``."""
        if self.is_open:
            return "open"
        return "submitted" if self.result is None else self.result.value


def closed_message(sitting: Sitting) -> str:
    """What a coach is told on a second submission of a closed sitting."""
    return (f"{sitting.assignment_id}: you already submitted this review on {sitting.submitted_at[:10]}, and one "
            "submission closes a sitting, so this one was not kept. Your first submission stands; your "
            "supervisor will be in touch about your result")


def late_message(sitting: Sitting) -> str:
    """What a coach is told when they submit a sitting after its due date."""
    return (f"{sitting.assignment_id}: this review sitting was due by {sitting.due:%A %-d %B %Y}, and the course "
            "takes no submission after a sitting's due date, so this one was not kept. Please ask the "
            "certification office what to do next about your renewal")


def sittings_in_window(sittings: Iterable[Sitting], coach_id: str, window_opens_on: dt.date) -> list[Sitting]:
    """The coach's sittings opened in the renewal window that opened on ``window_opens_on``."""
    return [s for s in sittings if s.coach_id == coach_id and s.opened_on >= window_opens_on]


def window_full_message(coach_id: str, held: Sequence[Sitting], window_opens_on: dt.date) -> str:
    """Why no further sitting opens: the coach had the office's most sittings in this window."""
    return (f"coach {coach_id}: {len(held)} review sittings since their renewal window opened on {window_opens_on} "
            f"({', '.join(f'{s.form_id} {s.state}' for s in held)}), the most the office allows in one window "
            "(sittings_per_window), so no further sitting is opened. The certification office takes it from "
            "here: it refers the coach to supervision for their renewal")


def next_form(coach_id: str, sittings: Iterable[Sitting], forms: Sequence[ReviewForm]) -> ReviewForm:
    """The first of ``forms`` the coach has not sat and that shares no item with any form they sat."""
    if not forms:
        raise SittingError("no review form is released for sittings (assignments.yaml lists none with "
                           "`form: {cycle: N}`)")
    by_id = {form.form_id: form for form in forms}
    sat = [s.form_id for s in sittings if s.coach_id == coach_id]
    met = frozenset().union(*(by_id[form].items for form in sat if form in by_id))
    for form in forms:
        if form.form_id not in sat and not form.items & met:
            return form
    raise SittingError(f"coach {coach_id}: no review form is left that they have not met (they sat "
                       f"{', '.join(sat)}; every other form shares items with those). Fix a new form with "
                       "`trainingkit review-form --cycle N --fix` and list it in assignments.yaml")


def open_sitting(sittings: Sequence[Sitting], *, coach_id: str, username: str, forms: Sequence[ReviewForm],
                 on: dt.date, due: dt.date, by: str, window_opens_on: dt.date | None = None,
                 per_window: int | None = None) -> Sitting:
    """A new sitting for the coach, or :class:`SittingError` saying why there cannot be one now.

    With ``window_opens_on`` and ``per_window``, a coach who already had ``per_window`` sittings in
    the window that opened that day gets none (:func:`window_full_message`).
    """
    if due < on:
        raise SittingError(f"coach {coach_id}: the due date {due} is before the day the sitting opens ({on})")
    for sitting in sittings:
        if sitting.coach_id == coach_id and sitting.result is None and not sitting.missed_by(on):
            raise SittingError(f"coach {coach_id}: sitting {sitting.number} ({sitting.form_id}, opened "
                               f"{sitting.opened_on}) is {sitting.state}" +
                               (" until its result is released" if not sitting.is_open else
                                f" until {sitting.due}") + "; a coach has one sitting at a time")
        if sitting.username == username and sitting.coach_id != coach_id:
            raise SittingError(f"{username} sat the review as coach {sitting.coach_id}, not {coach_id}")
    if window_opens_on is not None and per_window is not None:
        held = sittings_in_window(sittings, coach_id, window_opens_on)
        if len(held) >= per_window:
            raise SittingError(window_full_message(coach_id, held, window_opens_on))
    form = next_form(coach_id, sittings, forms)
    return Sitting(max((s.number for s in sittings), default=0) + 1, coach_id, username, form.form_id,
                   form.assignment_id, on, due, by)


def submit(sitting: Sitting, at: dt.datetime, zone: dt.tzinfo | None = dt.timezone.utc) -> Sitting:
    """The sitting closed by its one submission, received at ``at`` (on the course service's clock);
    its due day ends at midnight in ``zone``, the course's time zone (None: the machine's own)."""
    if not sitting.is_open:
        raise SittingError(closed_message(sitting))
    if at.astimezone(zone).date() > sitting.due:
        raise SittingError(late_message(sitting))
    return replace(sitting, submitted_at=at.astimezone(dt.timezone.utc).isoformat(timespec="seconds"))


def record_result(sitting: Sitting, score: float, cut_score: float) -> Sitting:
    """The sitting with its score (percent) and its form's cut score: pass at or above the cut."""
    if sitting.is_open:
        raise SittingError(f"sitting {sitting.number} of coach {sitting.coach_id} is not submitted yet")
    return replace(sitting, score=score, cut_score=cut_score)


def sitting_of(sittings: Iterable[Sitting], username: str, assignment_id: str | None = None) -> Sitting | None:
    """``username``'s latest sitting (of ``assignment_id``, if given), or None."""
    theirs = [s for s in sittings if s.username == username
              and (assignment_id is None or s.assignment_id == assignment_id)]
    return max(theirs, key=lambda s: s.number, default=None)


def fold(lines: Iterable[Mapping[str, object]], where: str = "the register") -> tuple[Sitting, ...]:
    """The sittings an append-only register's lines describe (``opened``, ``submitted``, ``result``).

    Each line is ``{"event": ..., "sitting": N, ...}``; a line about an unknown sitting, or out
    of order, raises :class:`SittingError` naming ``where`` and the line number.
    """
    sittings: dict[int, Sitting] = {}
    for number, line in enumerate(lines, start=1):
        at = f"{where}: line {number}"
        try:
            event, key = str(line["event"]), int(line["sitting"])  # type: ignore[call-overload]
            if event == "opened":
                if key in sittings:
                    raise SittingError(f"{at}: sitting {key} is opened twice")
                sittings[key] = Sitting(key, str(line["coach_id"]), str(line["username"]), str(line["form"]),
                                        str(line["assignment"]), dt.date.fromisoformat(str(line["on"])),
                                        dt.date.fromisoformat(str(line["due"])), str(line["by"]))
            elif key not in sittings:
                raise SittingError(f"{at}: sitting {key} was never opened")
            elif event == "submitted":
                sittings[key] = replace(sittings[key], submitted_at=str(line["at"]))
            elif event == "result":
                sittings[key] = record_result(sittings[key], float(line["score"]),  # type: ignore[arg-type]
                                              float(line["cut_score"]))  # type: ignore[arg-type]
            else:
                raise SittingError(f"{at}: unknown event {event!r} (opened, submitted or result)")
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, SittingError) and str(error).startswith(where):
                raise
            raise SittingError(f"{at}: not a sitting line ({error})") from None
    return tuple(sorted(sittings.values(), key=lambda s: s.number))
