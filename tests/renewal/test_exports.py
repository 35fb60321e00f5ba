"""The renewal package's public names (trainingkit.renewal)."""

from __future__ import annotations

import subprocess
import sys

import trainingkit.renewal as renewal


def test_every_exported_name_exists() -> None:
    """__all__ lists only names the package really provides."""
    for name in renewal.__all__:
        assert getattr(renewal, name) is not None


def test_the_exports_are_the_documented_set() -> None:
    """Adding or dropping a public name is a deliberate change to this list."""
    assert sorted(renewal.__all__) == sorted([
        "DEFAULT_RULES", "EVENT_COLUMNS", "CoachStatus", "Cycle", "Decision", "Event", "EventKind",
        "EventLog", "EventLogError", "Flag", "RenewalRules", "RuleViolation", "Status", "StatusTable",
        "Verdict", "cycle_starting_on", "read_event_log", "read_statuses", "replay", "status_on",
    ])


def test_importing_the_rules_does_not_import_numpy_pandas_or_matplotlib() -> None:
    """The pure rules stay light; numpy, pandas and matplotlib load only at the edges."""
    code = ("import sys, trainingkit.renewal, trainingkit.renewal.rules; "
            "print(*(name in sys.modules for name in ('numpy', 'pandas', 'matplotlib')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "False"]
