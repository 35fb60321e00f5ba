"""Statuses, one coach or a table of them (trainingkit.renewal.status)."""

from __future__ import annotations

from datetime import date

import pytest

from trainingkit.renewal.cycle import cycle_starting_on
from trainingkit.renewal.settings import DEFAULT_RULES
from trainingkit.renewal.status import CoachStatus, Flag, Status, StatusTable

CYCLE = cycle_starting_on(date(2024, 1, 1), DEFAULT_RULES)
TABLE = StatusTable(date(2025, 1, 1), ["A", "B"], [Status.CERTIFIED, Status.REVOKED], [CYCLE, None],
                    [(), (Flag.LATE_CHARGE_REPORT,)], [date(2024, 1, 1), None])


def test_statuses_are_listed_in_the_order_the_rules_test_them() -> None:
    """revoked first, supervision_required last; order grows as a cycle goes on."""
    assert list(Status)[:4] == [Status.REVOKED, Status.SUSPENDED, Status.REFERRED, Status.NOT_CERTIFIED]
    assert Status.CERTIFIED.order < Status.RENEWAL_DUE.order < Status.LAPSED.order
    assert Status.LAPSED.order < Status.SUPERVISION_REQUIRED.order


def test_a_table_reads_as_coach_statuses() -> None:
    """Row i of the table is coach i's CoachStatus on the table's date."""
    assert TABLE[1] == CoachStatus("B", date(2025, 1, 1), Status.REVOKED, None, (Flag.LATE_CHARGE_REPORT,))
    assert [status.coach_id for status in TABLE] == ["A", "B"] and len(TABLE) == 2
    assert TABLE[0].expires_on == date(2026, 1, 1) and TABLE[1].grace_ends_on is None
    assert [status.renewed_on for status in TABLE] == [date(2024, 1, 1), None] == [TABLE[0].renewed_on,
                                                                                  TABLE[1].renewed_on]


def test_a_table_needs_one_entry_per_coach_in_every_column() -> None:
    """Columns of different lengths are refused."""
    with pytest.raises(ValueError):
        StatusTable(date(2025, 1, 1), ["A"], [], [], [], [])
    with pytest.raises(ValueError):
        StatusTable(date(2025, 1, 1), ["A"], [Status.CERTIFIED], [CYCLE], [()], [])
