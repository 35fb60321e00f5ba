"""Which forms a coach may sit, and how often each item is used."""

from __future__ import annotations

from trainingkit.exam.assemble import Form
from trainingkit.exam.exposure import forms_open_to, item_uses, overexposed

from tests.exam.helpers import blueprint

FORMS = {1: Form(1, ("a", "b", "c")), 2: Form(2, ("c", "d", "e")), 3: Form(3, ("f", "g", "h"))}


def test_a_coach_may_sit_only_forms_without_an_item_they_met() -> None:
    """A coach who met item c (on forms 1 and 2) may sit form 3 only; one who met nothing may sit all."""
    assert forms_open_to({"c"}, FORMS) == [3]
    assert forms_open_to(set(), FORMS) == [1, 2, 3]
    assert forms_open_to({"a", "d", "g"}, FORMS) == []


def test_uses_count_forms_not_repeats() -> None:
    """An item is counted once per form that holds it."""
    assert item_uses(FORMS.values())["c"] == 2 and item_uses(FORMS.values())["h"] == 1


def test_an_item_over_the_cap_is_named_with_its_period_and_count() -> None:
    """With three-cycle periods and a one-third cap, c on two forms of cycles 1-3 is named; periods count apart."""
    plan = blueprint({"scope": (1, 3)}, 3, period=3, max_exposure=1 / 3)
    assert overexposed(FORMS, plan) == ["c is on 2 forms of cycles 1-3, more than the 1 (33% of 3) allowed"]
    assert overexposed({**FORMS, 4: Form(4, ("a", "b", "c"))}, plan) == overexposed(FORMS, plan)
