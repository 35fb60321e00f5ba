"""The office's settings (trainingkit.renewal.settings)."""

from __future__ import annotations

import dataclasses

import pytest

from trainingkit.renewal.settings import DEFAULT_RULES, RenewalRules


def test_the_defaults_are_the_published_policy() -> None:
    """Window 90 days, grace 6 months, 6 supervision hours, 10 days to report; no pass mark of its own."""
    assert (DEFAULT_RULES.window_days, DEFAULT_RULES.grace_months,
            DEFAULT_RULES.supervision_hours, DEFAULT_RULES.charge_report_days,
            DEFAULT_RULES.cycle_years) == (90, 6, 6, 10, 2)
    assert not hasattr(DEFAULT_RULES, "pass_mark")  # a review passes at its form's cut score


def test_rules_are_frozen() -> None:
    """A rules object cannot be changed after it is made."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULES.window_days = 70  # type: ignore[misc]


def test_every_setting_is_documented() -> None:
    """Each setting has a comment in the class body explaining it."""
    import inspect

    source = inspect.getsource(RenewalRules)
    for field in dataclasses.fields(RenewalRules):
        if field.name.startswith("_"):
            continue
        before = source.split(f"    {field.name}:")[0].rstrip().splitlines()[-1]
        assert before.strip().startswith("#:"), field.name


def test_equal_rules_are_equal_and_hash_alike() -> None:
    """Two rules objects with the same settings are interchangeable as cache keys."""
    assert RenewalRules() == DEFAULT_RULES and hash(RenewalRules()) == hash(DEFAULT_RULES)
    assert RenewalRules(window_days=70) != DEFAULT_RULES


@pytest.mark.parametrize("change", [{"window_days": -1},
                                    {"supervision_hours": 0}, {"cycle_years": 0}])
def test_impossible_settings_are_refused(change: dict[str, float]) -> None:
    """Settings outside their sense (negative days, no supervision hours) raise."""
    with pytest.raises(ValueError):
        RenewalRules(**change)  # type: ignore[arg-type]
