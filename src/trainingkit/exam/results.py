"""The results register: one review line per released result of the ethics review, for the office.

When a supervisor releases feedback on the review (nbgrader ``release_feedback``, from the
formgrader or a terminal), :class:`~trainingkit.exchange.grader.StoreReleaseFeedback` calls
:func:`record_results` for the trainees released; ``trainingkit review results`` does the
same for a whole assignment (for ``make lab``, or to catch up after a failure). Each line is
a renewal ``review`` event: the coach id (from the course's roster: only a trainee with a
coach id is a certified coach), the day the sitting was submitted (UTC, as nbgrader keeps
it), the score in percent of the form's points (unrounded), the form's cut score and the
form's id (``coursework/forms.yaml``). The office reads the register beside its own log
(``trainingkit renewal ... --results``, and its notebook), without any gradebook URL.

Lines are appended by :func:`trainingkit.renewal.records.append_events` (whole lines,
fsynced). Releasing again adds nothing already there; a result changed after its release
adds a new line, and the later line is the coach's latest review.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from trainingkit.course import Course
from trainingkit.renewal.events import Event, EventKind

__all__ = ["REGISTER_MODE", "NotAReviewForm", "Recorded", "ResultsError", "coach_ids", "form_id",
           "record_released", "record_results", "record_sitting_results", "register_path",
           "review_results"]

#: The register is the grader's to write and the office's group's to read (on the hub).
REGISTER_MODE = 0o640


class ResultsError(ValueError):
    """Results cannot be recorded as asked; the message names the file, assignment or trainee."""


class NotAReviewForm(ResultsError):
    """The assignment is not a fixed ethics review form, so it has no results for the office."""


def form_id(cycle: int) -> str:
    """The id of renewal cycle ``cycle``'s fixed form, as review lines name it: ``cycle-N``."""
    return f"cycle-{cycle}"


def register_path(course: Course) -> Path:
    """The results register: ``TRAININGKIT_RESULTS`` (the hub's office folder), else the course's."""
    named = os.environ.get("TRAININGKIT_RESULTS")
    return Path(named) if named else course.root / "office" / "results.csv"


def coach_ids(course: Course) -> dict[str, str]:
    """Each trainee's coach id by username, from the course's roster (none without a roster)."""
    from trainingkit.hub.roster import RosterError, read_roster

    if not course.roster_file.exists():
        return {}
    try:
        members = read_roster(course.roster_file, reserved=frozenset())
    except RosterError as error:
        raise ResultsError(str(error)) from None
    return {member.username: member.coach_id for member in members if member.coach_id}


@dataclass(frozen=True)
class Recorded:
    """What :func:`record_results` did: lines added, lines already there, trainees passed over (and why)."""

    added: tuple[Event, ...]
    already: int
    skipped: tuple[str, ...]

    def summary(self) -> list[str]:
        from trainingkit.renewal.records import event_line

        lines = [f"recorded {event_line(event).strip()}" for event in self.added]
        if self.already:
            lines.append(f"{self.already} result(s) already in the register")
        return lines + list(self.skipped)


def review_results(*, course: Course, assignment_id: str, coaches: Mapping[str, str], db_url: str,
                   students: Collection[str] | None = None) -> tuple[list[Event], list[str]]:
    """The review lines of ``assignment_id``'s graded submissions, and why any trainee has none.

    ``students`` limits them to those usernames. Raises :class:`ResultsError` if the assignment
    is not a fixed review form or the gradebook lacks it.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from trainingkit.assignments import AssignmentError, load_assignments
    from trainingkit.bank import BankError, load_bank

    try:
        assignments = load_assignments(course.assignments_file, load_bank(course.bank_dir))
    except (AssignmentError, BankError) as error:
        raise ResultsError(str(error)) from None
    assignment = assignments.get(assignment_id)
    if assignment is None or assignment.form_cycle is None or assignment.pass_mark is None:
        raise NotAReviewForm(f"{course.assignments_file}: {assignment_id!r} is not a fixed ethics review form "
                           "(form: {cycle: N}): it has no results for the office")
    cut_score, form = assignment.pass_mark, form_id(assignment.form_cycle)
    events: list[Event] = []
    skipped: list[str] = []
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment_id)
        except MissingEntry:
            raise ResultsError(f"the gradebook has no assignment {assignment_id!r}") from None
        for submission in gradebook.assignment_submissions(assignment_id):
            user = submission.student_id
            if students is not None and user not in students:
                continue
            where = f"{assignment_id} submitted by {user}"
            if user not in coaches:
                skipped.append(f"{where}: not recorded, {user} has no coach id in {course.roster_file}")
            elif submission.timestamp is None:
                skipped.append(f"{where}: not recorded, the submission has no timestamp")
            elif submission.needs_manual_grade:
                skipped.append(f"{where}: not recorded yet, it still needs manual grading")
            elif not submission.max_score:
                skipped.append(f"{where}: not recorded, the assignment has no points to score")
            else:
                events.append(Event(coaches[user], submission.timestamp.date(), EventKind.REVIEW,
                                    score=submission.score / submission.max_score * 100,
                                    cut_score=cut_score, form=form))
    return sorted(events, key=lambda event: (event.coach_id, event.on)), skipped


def record_results(register: Path, events: Sequence[Event], skipped: Sequence[str] = ()) -> Recorded:
    """Append to ``register`` (made, 0640, if missing) each of ``events`` not already in it."""
    from trainingkit.renewal.logfile import read_event_log
    from trainingkit.renewal.records import append_events

    def key(event: Event) -> tuple[object, ...]:
        return (event.coach_id, event.on, event.score, event.cut_score, event.form)

    present: set[tuple[object, ...]] = set()
    if register.exists():
        log = read_event_log(register)
        for coach_id in log.coach_ids:
            present.update(key(event) for event in log.events(coach_id))
    new = [event for event in events if key(event) not in present]
    if new:
        append_events(register, new, mode=REGISTER_MODE)
    return Recorded(tuple(new), len(events) - len(new), tuple(skipped))


def record_released(*, course: Course, assignment_id: str, db_url: str,
                    students: Collection[str] | None = None) -> Recorded | None:
    """Record the results of ``students`` (all: ``None``) on ``assignment_id`` in the course's register.

    ``None`` when the assignment is not a fixed review form (a practice set has no results for
    the office). Raises :class:`ResultsError` or :class:`~trainingkit.renewal.EventLogError`.
    """
    try:
        events, skipped = review_results(course=course, assignment_id=assignment_id, coaches=coach_ids(course),
                                         db_url=db_url, students=students)
    except NotAReviewForm:
        return None
    register = register_path(course)
    register.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    recorded = record_results(register, events, skipped)
    record_sitting_results(course, events)
    return recorded


def record_sitting_results(course: Course, events: Sequence[Event]) -> None:
    """Give each review sitting awaiting its result (in the course store's register, if there is one)
    the released result of its coach and form: pass or fail by the form's cut score."""
    from trainingkit.exam.sitting_register import SittingRegister
    from trainingkit.exam.sittings import SittingError

    register = SittingRegister.of(course)
    if register.path.exists():
        try:
            register.record_results([(event.coach_id, str(event.form), float(event.score or 0.0),
                                      float(event.cut_score or 0.0)) for event in events])
        except SittingError as error:
            raise ResultsError(f"the results register has them, but the sittings were not closed: {error}") from None
