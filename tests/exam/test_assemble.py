"""Forms assembled by the integer program meet every rule of the blueprint, or say which area lacks items."""

from __future__ import annotations

import itertools

import pytest

from trainingkit.bank.model import Kind
from trainingkit.exam.assemble import AssemblyError, Form, assemble_cycles, eligible

from tests.exam.helpers import blueprint, item, make_bank

AREAS = {"danger": (1, 2), "subpoena": (1, 2), "dual": (2, 4), "scope": (2, 4)}
PER_AREA = {"danger": 8, "subpoena": 8, "dual": 14, "scope": 14}


def _forms(cycles=range(1, 11), **rules):
    bank = make_bank(PER_AREA)
    plan = blueprint(AREAS, 10, target_difficulty=0.7, **rules)
    return bank, plan, assemble_cycles(bank, plan, list(cycles))


def test_every_form_meets_each_area_minimum_and_maximum() -> None:
    """Each of ten forms holds the right number of items, within every area's bounds."""
    bank, plan, forms = _forms()
    for form in forms.values():
        assert len(form.items) == plan.items and len(set(form.items)) == plan.items
        for area, (low, high) in AREAS.items():
            assert low <= sum(bank[i].area == area for i in form.items) <= high


def test_no_two_forms_within_three_cycles_share_more_than_a_fifth() -> None:
    """Forms at most three cycles apart share at most 20% of their items."""
    _, plan, forms = _forms()
    for a, b in itertools.combinations(sorted(forms), 2):
        if b - a <= plan.window:
            assert forms[a].overlap(forms[b]) <= plan.overlap_limit == 2


def test_forms_are_parallel_in_difficulty() -> None:
    """Every form's expected score is within the tolerance of the reference form's."""
    bank, plan, forms = _forms()
    reference = forms[1].expected_score(bank)
    assert abs(reference - 0.7) <= plan.tolerance + 1e-9
    assert all(abs(form.expected_score(bank) - reference) <= plan.tolerance + 1e-9 for form in forms.values())


def test_forms_differ_from_cycle_to_cycle_and_repeat_exactly() -> None:
    """Cycles get different forms, and the same bank gives the same forms again."""
    _, _, forms = _forms()
    assert len({form.items for form in forms.values()}) == len(forms)
    assert _forms()[2] == forms


def test_enemy_items_never_share_a_form() -> None:
    """Two items of one enemy group never appear on one form."""
    bank = make_bank(PER_AREA)
    bank["danger-001"] = item("danger-001", "danger", enemies=("danger-pair",))
    bank["danger-002"] = item("danger-002", "danger", enemies=("danger-pair",))
    plan = blueprint({**AREAS, "danger": (2, 2)}, 10)
    for form in assemble_cycles(bank, plan, list(range(1, 8))).values():
        assert not {"danger-001", "danger-002"} <= set(form.items)


def test_retired_items_are_never_assembled_but_fixed_forms_keep_them() -> None:
    """A retired item leaves the pool; a form already given that holds it stays as it was."""
    bank = make_bank(PER_AREA)
    plan = blueprint(AREAS, 10)
    first = assemble_cycles(bank, plan, [1])[1]
    retired_id = first.items[0]
    bank[retired_id] = item(retired_id, bank[retired_id].area, retired="negative discrimination in 2026")
    assert retired_id not in {v.id for v in eligible(bank, plan)}
    fixed = Form(1, first.items, fixed=True)
    forms = assemble_cycles(bank, plan, [1, 2, 3], fixed={1: fixed})
    assert forms[1] == fixed and all(retired_id not in forms[c].items for c in (2, 3))


def test_forms_already_given_stay_fixed_when_the_bank_grows() -> None:
    """Adding items changes later forms at most; fixed earlier forms are kept item for item."""
    bank, plan, forms = _forms(cycles=range(1, 4))
    fixed = {c: Form(c, forms[c].items, fixed=True) for c in (1, 2)}
    bank.update({f"scope-{n:03d}": item(f"scope-{n:03d}", "scope", angoff=0.7) for n in range(100, 120)})
    grown = assemble_cycles(bank, plan, [1, 2, 3], fixed=fixed)
    assert grown[1].items == forms[1].items and grown[2].items == forms[2].items


def test_an_area_without_enough_items_is_named() -> None:
    """An area with fewer eligible items than its minimum makes assembly fail naming that area."""
    bank = make_bank({**PER_AREA, "subpoena": 1})
    plan = blueprint({**AREAS, "subpoena": (2, 2)}, 10)
    with pytest.raises(AssemblyError, match="content area 'subpoena'.*1 eligible item"):
        assemble_cycles(bank, plan, [1])


def test_an_area_exhausted_by_exposure_control_is_named() -> None:
    """An area whose few items were all used in recent cycles is named when a later form cannot be made."""
    bank = make_bank({**PER_AREA, "subpoena": 2})
    plan = blueprint({**AREAS, "subpoena": (2, 2)}, 10, max_overlap=0.1)
    with pytest.raises(AssemblyError, match="cycle 2: .*content area 'subpoena'.*not used in the last 3 cycles"):
        assemble_cycles(bank, plan, [1, 2])


def test_counts_by_kind_are_met() -> None:
    """A blueprint asking for multiple-select items gets exactly that many."""
    bank = make_bank(PER_AREA)
    for n in range(1, 5):
        bank[f"scope-{n:03d}"] = item(f"scope-{n:03d}", "scope", kind=Kind.MULTIPLE)
    plan = blueprint(AREAS, 10)
    plan = plan.__class__(**{**plan.__dict__, "kinds": {Kind.MULTIPLE: (2, 2), Kind.SINGLE: (8, 8)}})
    for form in assemble_cycles(bank, plan, [1, 2]).values():
        assert sum(bank[i].kind is Kind.MULTIPLE for i in form.items) == 2


def test_a_case_set_is_assembled_whole_its_parts_together_and_in_order() -> None:
    """A form holding one part of a case set holds every part, one after another, in part order."""
    from dataclasses import replace

    bank = make_bank(PER_AREA)
    for number, (item_id, area) in enumerate((("dual-091", "dual"), ("scope-091", "scope"), ("dual-092", "dual")), 1):
        bank[item_id] = replace(item(item_id, area, angoff=0.7), case="case-dual-01", part=number, parts=3)
    plan = blueprint(AREAS, 10, target_difficulty=0.7)
    forms = assemble_cycles(bank, plan, list(range(1, 11)))
    parts = ["dual-091", "scope-091", "dual-092"]
    holding = [form for form in forms.values() if set(parts) & set(form.items)]
    assert holding, "no form used the case set, so the rule was never tested"
    for form in holding:
        start = form.items.index("dual-091")
        assert list(form.items[start:start + 3]) == parts


def test_a_case_set_with_a_retired_part_is_never_assembled() -> None:
    from dataclasses import replace

    bank = make_bank(PER_AREA)
    bank["dual-091"] = replace(item("dual-091", "dual"), case="case-dual-01", part=1, parts=2)
    bank["dual-092"] = replace(item("dual-092", "dual", retired="key disputed"), case="case-dual-01", part=2, parts=2)
    assert not {"dual-091", "dual-092"} & {v.id for v in eligible(bank, blueprint(AREAS, 10))}


def test_a_case_set_with_more_parts_in_an_area_than_a_form_allows_is_named() -> None:
    """Three parts in an area whose maximum is two make the case set unplaceable, and the reason says so."""
    from dataclasses import replace

    from trainingkit.exam.assemble import unplaceable_case_sets

    bank = make_bank(PER_AREA)
    for number in (1, 2, 3):
        bank[f"danger-09{number}"] = replace(item(f"danger-09{number}", "danger"), case="case-safety-09",
                                             part=number, parts=3)
    problems = unplaceable_case_sets(bank, blueprint(AREAS, 10))
    assert problems == {"case-safety-09": "3 parts (danger-091, danger-092, danger-093) are in area 'danger', "
                                          "where a form holds at most 2"}
    bank["danger-093"] = replace(bank["danger-093"], area="dual")
    assert unplaceable_case_sets(bank, blueprint(AREAS, 10)) == {}


def test_a_case_set_that_crowds_out_other_areas_minimums_is_named() -> None:
    """Parts that fit their own area but leave too few items for the other areas' minimums are reported."""
    from dataclasses import replace

    from trainingkit.exam.assemble import unplaceable_case_sets

    bank = make_bank(PER_AREA)
    for number in (1, 2, 3, 4):
        bank[f"dual-09{number}"] = replace(item(f"dual-09{number}", "dual"), case="case-dual-09", part=number, parts=4)
    problems = unplaceable_case_sets(bank, blueprint(AREAS, 7))
    assert "a form needs 8 items to meet every area's minimum, more than its 7" in problems["case-dual-09"]


def test_every_case_set_of_the_real_bank_can_be_placed(project) -> None:
    """The shipped bank's case sets each fit the shipped blueprint."""
    from trainingkit.bank import load_bank
    from trainingkit.exam.assemble import unplaceable_case_sets
    from trainingkit.exam.blueprint import load_blueprint

    assert unplaceable_case_sets(load_bank(project.bank_dir), load_blueprint(project.blueprint_file)) == {}
