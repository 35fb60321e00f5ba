"""The register of review sittings, the office's list of open renewal windows, and the forms to sit.

The register is the instructor side's: ``STORE/sittings.jsonl`` in the course service's store
(the grader's alone, 0700; the file 0600). It is append-only: one JSON line per event
(``opened``, ``submitted``, ``result``; :func:`trainingkit.exam.sittings.fold` reads them),
each change written under a lock as a whole new file renamed into place
(:func:`trainingkit.files.write_atomically`), so a reader sees the old register or the new
one, never half a line, and nothing already in it is ever rewritten.

The office's list of open renewal windows (:mod:`trainingkit.renewal.windows`) names the coaches
to offer a sitting to (:func:`open_from_office`), each due at the end of their window, and at
most the office's ``sittings_per_window`` in one window (:func:`window_opening`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from trainingkit.answers import locked
from trainingkit.course import Course
from trainingkit.exam.sittings import ReviewForm, Sitting, SittingError, fold, open_sitting
from trainingkit.files import write_atomically
from trainingkit.renewal.settings import DEFAULT_RULES, RenewalRules
from trainingkit.renewal.windows import Window

__all__ = ["REGISTER_NAME", "SittingRegister", "open_from_office", "review_forms", "sitting_row", "window_opening"]

REGISTER_NAME = "sittings.jsonl"


def review_forms(course: Course) -> list[ReviewForm]:
    """The fixed review forms the course releases for sittings, in assignments.yaml's order."""
    from trainingkit.assignments import load_assignments
    from trainingkit.bank import load_bank
    from trainingkit.exam.results import form_id

    assignments = load_assignments(course.assignments_file, load_bank(course.bank_dir))
    return [ReviewForm(form_id(a.form_cycle), a.id, frozenset(a.items), float(a.pass_mark or 0))
            for a in assignments.values() if a.form_cycle is not None]


@dataclass(frozen=True)
class SittingRegister:
    """The register file at ``path`` (in the course service's store)."""

    path: Path

    @classmethod
    def of(cls, course: Course) -> "SittingRegister":
        return cls(course.course_store / REGISTER_NAME)

    def sittings(self) -> tuple[Sitting, ...]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ()
        lines = []
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                lines.append(json.loads(line))
            except ValueError:
                raise SittingError(f"{self.path}: line {number}: not a JSON line") from None
        return fold(lines, str(self.path))

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return locked(self.path)

    def _append(self, lines: Sequence[Mapping[str, object]]) -> None:
        """Add ``lines`` after what is there (checked first: a line that would not fold is refused)."""
        old = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
        new = old + "".join(json.dumps(dict(line), sort_keys=True) + "\n" for line in lines)
        fold([json.loads(line) for line in new.splitlines()], str(self.path))
        write_atomically(self.path, new)

    def open(self, *, coach_id: str, username: str, forms: Sequence[ReviewForm], on: dt.date, due: dt.date,
             by: str, window_opens_on: dt.date | None = None, per_window: int | None = None) -> Sitting:
        """Open and record a new sitting (:func:`~trainingkit.exam.sittings.open_sitting`)."""
        with self._locked():
            sitting = open_sitting(self.sittings(), coach_id=coach_id, username=username, forms=forms, on=on,
                                   due=due, by=by, window_opens_on=window_opens_on, per_window=per_window)
            self._append([{"event": "opened", "sitting": sitting.number, "coach_id": coach_id,
                           "username": username, "form": sitting.form_id, "assignment": sitting.assignment_id,
                           "on": on.isoformat(), "due": due.isoformat(), "by": by}])
        return sitting

    def submitted(self, sitting: Sitting) -> None:
        """Record that ``sitting`` (already closed by :func:`~trainingkit.exam.sittings.submit`) was submitted."""
        with self._locked():
            current = {s.number: s for s in self.sittings()}.get(sitting.number)
            if current is None or not current.is_open:
                raise SittingError(f"sitting {sitting.number} is not open")
            self._append([{"event": "submitted", "sitting": sitting.number, "at": sitting.submitted_at}])

    def record_results(self, results: Sequence[tuple[str, str, float, float]]) -> list[Sitting]:
        """Give each submitted sitting awaiting a result its ``(coach_id, form_id, score, cut_score)``."""
        decided = []
        with self._locked():
            waiting = {(s.coach_id, s.form_id): s for s in self.sittings() if not s.is_open and s.result is None}
            lines = []
            for coach_id, form, score, cut in results:
                sitting = waiting.pop((coach_id, form), None)
                if sitting is not None:
                    lines.append({"event": "result", "sitting": sitting.number, "score": score, "cut_score": cut})
                    decided.append(sitting)
            if lines:
                self._append(lines)
        return decided


def window_opening(coach_id: str, due: dt.date, windows: Sequence[Window],
                   rules: RenewalRules = DEFAULT_RULES) -> dt.date:
    """The day the renewal window of a sitting due on ``due`` opened: the office's listed window for the
    coach when it lists one; otherwise the ``window_days`` before the due date."""
    listed = next((w for w in windows if w.coach_id == coach_id), None)
    return listed.opens_on if listed is not None else due - dt.timedelta(days=rules.window_days)


def open_from_office(register: SittingRegister, *, windows: Sequence[Window], coaches: Mapping[str, str],
                     forms: Sequence[ReviewForm], on: dt.date, only: str | None = None,
                     rules: RenewalRules = DEFAULT_RULES) -> tuple[list[Sitting], list[str]]:
    """Open a sitting for each coach whose window is open on ``on`` and who needs one (no sitting in
    progress, none passed since the window opened; one missed in an earlier window does not count);
    ``coaches`` maps username to coach id.

    Returns the sittings opened and why any listed coach got none (not on the roster, no form left,
    ``rules.sittings_per_window`` sittings already in this window).
    ``only`` limits it to one username (the course service, as a coach lists their assignments).
    """
    users = {coach: user for user, coach in coaches.items()}
    opened, skipped = [], []
    for window in windows:
        user = users.get(window.coach_id)
        if only is not None and user != only:
            continue
        if not window.opens_on <= on <= window.due:
            continue
        if user is None:
            skipped.append(f"coach {window.coach_id}: not on the course's roster, so no sitting was opened")
            continue
        theirs = [s for s in register.sittings() if s.coach_id == window.coach_id]
        if any(s.result is None and not s.missed_by(on) for s in theirs) or any(
                s.state == "pass" and s.opened_on >= window.opens_on for s in theirs):
            continue
        try:
            opened.append(register.open(coach_id=window.coach_id, username=user, forms=forms, on=on,
                                        due=window.due, by="office", window_opens_on=window.opens_on,
                                        per_window=rules.sittings_per_window))
        except SittingError as error:
            skipped.append(str(error))
    return opened, skipped


def sitting_row(sitting: Sitting) -> dict[str, object]:
    """A sitting as a row of ``review sittings`` (CSV)."""
    row = asdict(sitting)
    row["state"] = sitting.state
    return row
