"""Where a coach stands on a date: the answer the certification office reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .cycle import Cycle

__all__ = ["CoachStatus", "Flag", "Status", "StatusTable"]


class Status(StrEnum):
    """A coach's standing on a date, in the order the rules test them (first match wins)."""

    REVOKED = "revoked"
    """The committee revoked the certification; only a new certification ends this."""
    SUSPENDED = "suspended"
    """The committee suspended the coach; a later ``cleared`` decision ends this."""
    REFERRED = "referred"
    """A supervisor found the coach not competent; waiting for a committee decision."""
    NOT_CERTIFIED = "not_certified"
    """No certification on or before the date."""
    CERTIFIED = "certified"
    """Certified, and the renewal window has not opened yet."""
    READY_TO_RENEW = "ready_to_renew"
    """Renewal window open, not expired, and a counting review has been passed."""
    RENEWAL_DUE = "renewal_due"
    """Renewal window open, not expired, and no counting review yet."""
    LAPSED = "lapsed"
    """Expired, within the grace months: a passed review still renews."""
    SUPERVISION_REQUIRED = "supervision_required"
    """Past the grace months: renewal also needs supervision and a competent verdict."""

    @property
    def order(self) -> int:
        """Position in the rule order; later statuses of a cycle have larger numbers."""
        return _ORDER[self]


_ORDER = {status: position for position, status in enumerate(Status)}


class Flag(StrEnum):
    """Conduct matters the office must see, whatever the status."""

    LATE_CHARGE_REPORT = "late_charge_report"
    """A charge was reported to the committee more than the allowed days after it."""
    UNREPORTED_CHARGE = "unreported_charge"
    """A charge is still unreported and the allowed days are over."""


@dataclass(frozen=True, slots=True)
class CoachStatus:
    """A coach's status on ``on``, the current cycle and any flags.

    ``cycle`` is ``None`` when the coach holds no certification (never
    certified by ``on``, or revoked). ``renewed_on`` is the day the renewal that began the
    current cycle was recorded, ``None`` while the cycle is a first certification's: a renewed
    coach's status is :attr:`Status.CERTIFIED` (or a later one of the cycle), like anyone's.
    """

    coach_id: str
    on: date
    status: Status
    cycle: Cycle | None
    flags: tuple[Flag, ...] = ()
    renewed_on: date | None = None

    @property
    def expires_on(self) -> date | None:
        """Last day the current certification is valid, if there is one."""
        return None if self.cycle is None else self.cycle.expires_on

    @property
    def grace_ends_on(self) -> date | None:
        """Last day of the grace months of the current cycle, if there is one."""
        return None if self.cycle is None else self.cycle.grace_ends_on


@dataclass(frozen=True, eq=False)
class StatusTable(Sequence[CoachStatus]):
    """Many coaches' statuses on one date, held as columns (row ``i`` is one coach).

    Reads as a sequence of :class:`CoachStatus`, made as they are read, so
    that a table of 100,000 coaches holds no object per coach. ``renewals[i]`` is
    :attr:`CoachStatus.renewed_on` of row ``i`` (``None`` for a first certification's cycle).
    """

    on: date
    coach_ids: Sequence[str]
    statuses: Sequence[Status]
    cycles: Sequence[Cycle | None]
    flags: Sequence[tuple[Flag, ...]]
    renewals: Sequence[date | None]

    def __post_init__(self) -> None:
        sizes = {len(self.coach_ids), len(self.statuses), len(self.cycles), len(self.flags),
                 len(self.renewals)}
        if len(sizes) != 1:
            raise ValueError("every column of a StatusTable needs one entry per coach")

    def __len__(self) -> int:
        return len(self.coach_ids)

    def __getitem__(self, index: int) -> CoachStatus:  # type: ignore[override]
        if isinstance(index, slice):
            raise TypeError("a StatusTable is indexed by position, not sliced")
        return CoachStatus(
            self.coach_ids[index], self.on, self.statuses[index], self.cycles[index],
            self.flags[index], self.renewals[index],
        )

    def __iter__(self) -> Iterator[CoachStatus]:
        on = self.on
        for coach_id, status, cycle, flags, renewed_on in zip(
            self.coach_ids, self.statuses, self.cycles, self.flags, self.renewals, strict=True
        ):
            yield CoachStatus(coach_id, on, status, cycle, flags, renewed_on)
