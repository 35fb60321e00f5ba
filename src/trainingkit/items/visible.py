"""What a supervisor may see of trainees and coaches, read where the course keeps it.

On a hub each person's home is their own: the account that runs the dashboard (the
course's grader) cannot open trainees' lesson answers or the office's event log. So the
dashboard reads only what reaches the course or is shared with it:

* **submissions**: the course service's store (every submission received, on the hub),
  ``coursework/submitted`` (what ``nbgrader collect`` took in) and the gradebook;
* **ethics review results**: the results register the course writes for the office
  (:mod:`trainingkit.exam.results`), counted per coach by their latest released result;

and says in :func:`cannot_see` what it cannot see, rather than showing made-up data there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from trainingkit.course import Course

__all__ = ["REVIEW_STATUSES", "cannot_see", "merge_submitted", "review_statuses", "submitted_assignments"]

#: The statuses a coach's latest released ethics review result gives, in the dashboard's order.
REVIEW_STATUSES = ("review_passed", "review_below_cut_score")


def submitted_assignments(course: Course, assignments: Iterable[str]) -> dict[str, frozenset[str]]:
    """Which of ``assignments`` each trainee has submitted: received by the service, or collected."""
    from trainingkit.exchange.store import ASSIGNMENT_ID, USERNAME, CourseStore

    wanted = set(assignments)
    found: dict[str, set[str]] = {}
    received = CourseStore(course.course_store).submissions_dir
    collected = course.coursework / "submitted"
    for base in (received, collected):
        if not base.is_dir():
            continue
        for trainee in sorted(p for p in base.iterdir() if p.is_dir() and USERNAME.match(p.name)):
            for assignment in trainee.iterdir():
                if assignment.name in wanted and ASSIGNMENT_ID.match(assignment.name) and assignment.is_dir():
                    found.setdefault(trainee.name, set()).add(assignment.name)
    return {trainee: frozenset(names) for trainee, names in found.items()}


def review_statuses(register: Path | None) -> pd.DataFrame:
    """``coach_id, status`` from the results register: each coach's latest released review result.

    A result at or above its form's cut score is ``review_passed``, else ``review_below_cut_score``
    (a legacy line without a cut score is read against 80, as the office reads it).
    """
    from trainingkit.renewal.logfile import read_results

    latest: dict[str, tuple[object, str]] = {}
    for event in read_results(register):
        cut = event.cut_score if event.cut_score is not None else 80.0
        status = REVIEW_STATUSES[0] if (event.score or 0.0) >= cut else REVIEW_STATUSES[1]
        if event.coach_id not in latest or event.on >= latest[event.coach_id][0]:  # type: ignore[operator]
            latest[event.coach_id] = (event.on, status)
    return pd.DataFrame({"coach_id": list(latest), "status": [status for _, status in latest.values()]},
                        columns=["coach_id", "status"])


def cannot_see(*, lessons_shown: bool, unreadable_homes: int, renewal_from_office_log: bool) -> tuple[str, ...]:
    """What the dashboard cannot see from where it runs, in plain words."""
    lines = []
    if not lessons_shown:
        lines.append("Lesson progress: trainees' lesson answers are in their own homes, which only they "
                     "can open (set TRAINEE_HOMES only where the account running this may read them).")
    elif unreadable_homes:
        lines.append(f"Lesson progress of {unreadable_homes} trainee(s): their homes are private to them.")
    lines.append("Work not submitted: answers a trainee has given but not submitted stay in their home; "
                 "progress counts submissions only.")
    if not renewal_from_office_log:
        lines.append("Renewals: the certification office's event log (renewal due or lapsed, supervision "
                     "hours, committee matters) is the office's own; shown here are only the ethics "
                     "review results the course released to the office.")
    return tuple(lines)


def merge_submitted(progress: pd.DataFrame, submitted: Mapping[str, frozenset[str]]) -> pd.DataFrame:
    """``progress`` (levels per trainee and assignment) with a submission not yet graded at level 1."""
    names = sorted(set(progress.index) | set(submitted))
    merged = progress.reindex(names).fillna(0).astype(int)
    for trainee, assignments in submitted.items():
        for assignment in assignments:
            if assignment in merged.columns and merged.at[trainee, assignment] == 0:
                merged.at[trainee, assignment] = 1
    return merged
