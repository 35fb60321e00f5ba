"""The Professional Standards Committee's decisions, applied to the credentials the office issued.

A ``committee`` event in the office's records reaches every credential of that coach in force
on its date (passed on or before it, still valid): ``suspended`` and ``revoked`` revoke it in
the status list. A revocation in the list is permanent, as the standard says, so ``cleared``
after a suspension issues the same facts again as a new credential (new code, new place in the
list) in force from the day cleared; a ``revoked`` decision is never cleared. Applying the same
records twice changes nothing the second time. :func:`changes_for` is the rule, with no I/O;
:func:`apply_committee_decisions` signs, records and publishes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from filelock import FileLock

from .issue import Issued, publish, sign_new
from .office import OfficeFolder, write_public
from .register import IssuedRecord, Register, read_register, write_register

__all__ = ["CommitteeDecision", "CommitteeOutcome", "Reinstatement", "Revocation", "apply_committee_decisions",
           "barred_by", "changes_for", "decisions_in"]

SUSPENDED, REVOKED, CLEARED = "suspended", "revoked", "cleared"


@dataclass(frozen=True)
class CommitteeDecision:
    """One committee event: the coach, its date and its outcome (suspended, revoked, cleared)."""

    coach_id: str
    on: dt.date
    outcome: str


@dataclass(frozen=True)
class Revocation:
    """Revoke the credential ``record`` because of ``decision``."""

    record: IssuedRecord
    decision: CommitteeDecision


@dataclass(frozen=True)
class Reinstatement:
    """Issue the facts of the suspended credential ``record`` again, from ``decision``'s date."""

    record: IssuedRecord
    decision: CommitteeDecision


def changes_for(register: Register, decision: CommitteeDecision,
                history: Sequence[CommitteeDecision]) -> list[Revocation | Reinstatement]:
    """What ``decision`` changes in ``register``; ``history`` is the coach's decisions in date order."""
    mine = [record for record in register.records if record.facts.coach_id == decision.coach_id]
    if decision.outcome in (SUSPENDED, REVOKED):
        return [Revocation(record, decision) for record in mine
                if record.revoked_on is None and record.in_force <= decision.on <= record.facts.valid_until]
    if decision.outcome != CLEARED:
        return []
    replaced = {record.replaces for record in register.records if record.replaces}
    changes: list[Revocation | Reinstatement] = []
    for record in mine:
        if (record.revoked_because == SUSPENDED and record.revoked_on is not None
                and record.revoked_on <= decision.on <= record.facts.valid_until and record.code not in replaced
                and not any(other.outcome == REVOKED and record.revoked_on <= other.on <= decision.on
                            for other in history)):
            changes.append(Reinstatement(record, decision))
    return changes


def barred_by(decisions: Sequence[CommitteeDecision], coach_id: str, on: dt.date) -> CommitteeDecision | None:
    """The committee decision that forbids a new credential for ``coach_id`` on ``on``, if any.

    A revocation bars for good; a suspension bars until a later ``cleared``.
    """
    mine = sorted((d for d in decisions if d.coach_id == coach_id and d.on <= on), key=lambda d: d.on)
    revoked = next((d for d in mine if d.outcome == REVOKED), None)
    if revoked is not None:
        return revoked
    standing = [d for d in mine if d.outcome in (SUSPENDED, CLEARED)]
    return standing[-1] if standing and standing[-1].outcome == SUSPENDED else None


def decisions_in(log: object, on: dt.date) -> list[CommitteeDecision]:
    """Every committee decision dated on or before ``on`` in a checked renewal ``EventLog``, in date order."""
    from trainingkit.renewal.events import EventKind

    decisions = []
    for position, coach_id in enumerate(log.coach_ids):  # type: ignore[attr-defined]
        for row in range(log.starts[position], log.starts[position + 1]):  # type: ignore[attr-defined]
            if log.kinds[row] is EventKind.COMMITTEE and log.whens[row] <= on:  # type: ignore[attr-defined]
                decisions.append(CommitteeDecision(coach_id, log.whens[row], str(log.details[row])))  # type: ignore[attr-defined]
    return sorted(decisions, key=lambda decision: decision.on)


@dataclass(frozen=True)
class CommitteeOutcome:
    """What applying the decisions did: credentials revoked, and the new ones issued on clearing."""

    revoked: tuple[Revocation, ...] = ()
    reissued: tuple[tuple[IssuedRecord, Issued], ...] = ()

    def summary(self) -> list[str]:
        lines = [f"Revoked {change.record.code} of {change.record.facts.coach_id}: committee "
                 f"{change.decision.outcome} on {change.decision.on}" for change in self.revoked]
        lines += [f"Reissued {old.code} of {old.facts.coach_id} as {new.code} (suspension cleared): "
                  f"send the coach credentials/{new.code}.json" for old, new in self.reissued]
        return lines


def apply_committee_decisions(*, office: OfficeFolder, decisions: Sequence[CommitteeDecision],
                              now: dt.datetime) -> CommitteeOutcome:
    """Revoke and reissue as ``decisions`` say; write the register, credentials and status list once."""
    if not office.register_file.exists():
        return CommitteeOutcome()
    with FileLock(office.lock_file):
        register = read_register(office.register_file)
        revoked: list[Revocation] = []
        reissued: list[tuple[IssuedRecord, Issued]] = []
        for decision in decisions:
            history = [d for d in decisions if d.coach_id == decision.coach_id]
            for change in changes_for(register, decision, history):
                if isinstance(change, Revocation):
                    register = register.with_record(change.record.revoked(decision.on, decision.outcome))
                    revoked.append(change)
                else:
                    issued = sign_new(office, register, change.record.facts, now, replaces=change.record,
                                      in_force_from=decision.on)
                    register = register.with_record(issued.record)
                    reissued.append((change.record, issued))
        if revoked or reissued:
            write_register(office.register_file, register)
            for _, issued in reissued:
                write_public(office.published.credential(issued.code), issued.credential)
            publish(office, register, now)
    return CommitteeOutcome(tuple(revoked), tuple(reissued))
