"""Forms planned over a period: every rule on every form, exposure capped, parallel on points and difficulty."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainingkit.bank.model import Kind
from trainingkit.exam.assemble import AssemblyError, Form, assemble_cycles
from trainingkit.exam.blueprint import Area
from trainingkit.exam.exposure import item_uses
from trainingkit.exam.forms import fixed_form_notes, violations

from tests.exam.helpers import blueprint, item, make_bank

AREAS = {"danger": (1, 2), "subpoena": (1, 2), "dual": (2, 4), "scope": (2, 4)}
PER_AREA = {"danger": 8, "subpoena": 8, "dual": 14, "scope": 14}
SUBSTANCES = ("scope-physical-risk", "scope-client-intoxicated", "scope-coach-impaired")


def _with_rules(plan, area_id: str, rules: tuple[str, ...]):
    return replace(plan, areas=tuple(replace(a, rules=rules) if a.id == area_id else a for a in plan.areas))


def _substances_bank():
    """A danger area whose items each cite one of three rules, most of them the client under the influence."""
    bank = make_bank(PER_AREA)
    cited = ["scope-client-intoxicated"] * 4 + ["scope-physical-risk"] * 2 + ["scope-coach-impaired"] * 2
    for number, rule in enumerate(cited, start=1):
        bank[f"danger-{number:03d}"] = replace(bank[f"danger-{number:03d}"], clauses=(rule,))
    return bank


def test_each_rule_an_area_holds_is_on_every_form_not_only_the_area() -> None:
    """An area holding three rules gets an item citing each on every form (the area's max raised to three)."""
    bank = _substances_bank()
    plan = _with_rules(blueprint({**AREAS, "danger": (1, 3)}, 10, target_difficulty=0.7), "danger", SUBSTANCES)
    forms = assemble_cycles(bank, plan, list(range(1, 5)))
    for form in forms.values():
        assert all(form.rules_covered(bank, plan).values()), form.rules_covered(bank, plan)
    assert violations(forms, bank, plan) == []


def test_a_rule_no_eligible_item_cites_is_named() -> None:
    """A rule that no eligible item cites stops assembly with the rule's name."""
    plan = _with_rules(blueprint(AREAS, 10), "danger", ("scope-coach-impaired",))
    with pytest.raises(AssemblyError, match="rule 'scope-coach-impaired' \\(area 'danger'\\) has 0 eligible item"):
        assemble_cycles(make_bank(PER_AREA), plan, [1])


def test_no_item_is_on_more_than_its_share_of_a_periods_forms() -> None:
    """With a period of eight forms and a 25% cap, no item is on more than two of them."""
    plan = blueprint(AREAS, 10, target_difficulty=0.7, period=8, max_exposure=0.25)
    forms = assemble_cycles(make_bank({area: 2 * count for area, count in PER_AREA.items()}), plan, list(range(1, 9)))
    assert plan.exposure_limit == 2 and max(item_uses(forms.values()).values()) <= 2


def test_uses_are_kept_in_reserve_for_the_periods_later_forms() -> None:
    """A rule with few items is spread over the period: no early form takes two and starves a later one."""
    bank = _substances_bank()  # two items cite the impaired coach: each may be on two of four forms
    plan = _with_rules(blueprint({**AREAS, "danger": (1, 3)}, 10, target_difficulty=0.7, period=4,
                                 max_exposure=0.5, window=0), "danger", SUBSTANCES)
    forms = assemble_cycles(bank, plan, [1, 2, 3, 4])
    assert all(form.rules_covered(bank, plan)["scope-coach-impaired"] for form in forms.values())


def test_a_period_the_pool_cannot_fill_names_the_rule_and_how_many_items_it_lacks() -> None:
    """Two items citing a rule, each on at most one of four forms, cannot cover four: the rule and the lack are named."""
    bank = _substances_bank()
    plan = _with_rules(blueprint({**AREAS, "danger": (1, 3)}, 10, period=4, max_exposure=0.25, window=0),
                       "danger", SUBSTANCES)
    with pytest.raises(AssemblyError, match="rule 'scope-physical-risk' \\(area 'danger'\\) has 2 eligible item.*"
                                            "which need 4; add at least 2 item"):
        assemble_cycles(bank, plan, [1])


def test_every_cut_score_is_within_a_point_of_the_reference_forms_and_centred() -> None:
    """Points-weighted expected scores (two-point items counted twice) stay within the tolerance, most near its middle."""
    bank = make_bank(PER_AREA)
    for n in range(1, 9):
        bank[f"scope-{n:03d}"] = item(f"scope-{n:03d}", "scope", kind=Kind.MULTIPLE, angoff=0.5 + n / 40)
    plan = blueprint(AREAS, 10, target_difficulty=0.7, tolerance=0.01, points_tolerance=1, high_stakes_tolerance=1,
                     spread_tolerance=0.03)
    forms = assemble_cycles(bank, plan, list(range(1, 9)))
    reference = forms[1].expected_score(bank)
    distances = [abs(form.expected_score(bank) - reference) for form in forms.values()]
    assert max(distances) <= 0.01 and sorted(distances)[len(distances) // 2] <= 0.005
    assert all(abs(form.points(bank) - forms[1].points(bank)) <= 1 for form in forms.values())
    assert violations(forms, bank, plan) == []


def test_expected_score_counts_a_two_point_items_rating_on_both_points() -> None:
    """A 0.5-rated two-point item and a 0.8-rated one-point item expect 1.8 of 3 points, 60%, not the mean 65%."""
    bank = {"a": item("a", "scope", kind=Kind.MULTIPLE, angoff=0.5), "b": item("b", "scope", angoff=0.8)}
    form = Form(1, ("a", "b"))
    assert form.expected_points(bank) == pytest.approx(1.8) and form.expected_score(bank) == pytest.approx(0.6)


def test_the_check_names_a_missing_rule_an_overexposed_item_and_a_drifting_form() -> None:
    """violations() names each break itself, whatever made the forms; a fixed form's gaps are notes instead."""
    bank = _substances_bank()
    plan = _with_rules(blueprint({**AREAS, "danger": (1, 3)}, 10, period=4, max_exposure=0.25, tolerance=0.01),
                       "danger", SUBSTANCES)
    easy = {f"scope-{n:03d}": replace(bank[f"scope-{n:03d}"], angoff=0.95) for n in range(1, 5)}
    bank.update(easy)
    base = ("danger-001", "subpoena-001", "dual-001", "dual-002", "dual-003", "dual-004", "scope-005", "scope-006",
            "scope-007", "scope-008")
    drifting = ("danger-001", "subpoena-001", "dual-001", "dual-002", "dual-003", "dual-004", *easy)
    forms = {1: Form(1, base), 2: Form(2, drifting)}
    problems = violations(forms, bank, plan)
    assert "cycle 2: no item on rule scope-coach-impaired (area danger)" in problems
    assert any(p.startswith("cycle 2: expected score") and "from the reference form's" in p for p in problems)
    assert any(p.startswith("danger-001 is on 2 forms of cycles 1-4, more than the 1") for p in problems)
    fixed = {1: Form(1, base, fixed=True)}
    assert not any(p.startswith("cycle 1: no item") for p in violations(fixed, bank, plan))
    notes = fixed_form_notes(fixed, bank, plan)
    assert "cycle 1 (fixed, given as it is): no item on rule scope-physical-risk (area danger)" in notes


def test_the_form_of_a_cycle_does_not_depend_on_how_many_cycles_were_asked_for() -> None:
    """Cycle 3's form is the same whether cycles 1-3 or 1-6 are planned: the period, not the request, sets it."""
    plan = blueprint(AREAS, 10, target_difficulty=0.7, period=6, max_exposure=0.5)
    bank = make_bank(PER_AREA)
    assert assemble_cycles(bank, plan, [3])[3] == assemble_cycles(bank, plan, list(range(1, 7)))[3]


def test_an_area_rule_in_a_blueprint_area_is_listed_with_it() -> None:
    """The blueprint's rules come with the area that holds them, in order."""
    plan = blueprint(AREAS, 10)
    plan = replace(plan, areas=(*plan.areas, Area("subs", "Subs", "Code of Ethics > Confidentiality", 1, 2, True,
                                                  SUBSTANCES)))
    assert [(rule, area.id) for rule, area in plan.rules] == [(rule, "subs") for rule in SUBSTANCES]


def test_an_area_minimum_that_clashes_with_the_counts_by_kind_is_named_not_blamed_on_difficulty() -> None:
    """Danger's two-item minimum met only by multiple-select items, with one such item allowed, names danger's minimum."""
    bank = make_bank({k: v for k, v in PER_AREA.items() if k != "danger"})
    bank.update({f"danger-{n:03d}": item(f"danger-{n:03d}", "danger", kind=Kind.MULTIPLE) for n in range(1, 5)})
    plan = replace(blueprint({**AREAS, "danger": (2, 2)}, 10, target_difficulty=0.7),
                   kinds={Kind.MULTIPLE: (0, 1), Kind.SINGLE: (9, 10)})
    with pytest.raises(AssemblyError, match="cycle 1: .*the requirement 'area minimum danger \\(Danger\\)' cannot be "
                                            "met together with the others"):
        assemble_cycles(bank, plan, [1])


def test_an_unreachable_difficulty_target_is_named_as_the_parallel_requirement() -> None:
    """A reference form aimed at 95% when every item is rated 55-85% names the expected points as the block."""
    plan = blueprint(AREAS, 10, target_difficulty=0.95)
    with pytest.raises(AssemblyError, match="the requirement 'parallel expected points' cannot be met"):
        assemble_cycles(make_bank(PER_AREA), plan, [1])


def test_a_pool_too_small_for_the_next_period_is_found_before_any_form_is_asked_for() -> None:
    """period_shortfall (what `bank check` asks) names a rule whose items cannot cover the period; a big pool passes."""
    from trainingkit.exam.assemble import period_shortfall

    bank = _substances_bank()
    plan = _with_rules(blueprint({**AREAS, "danger": (1, 3)}, 10, period=4, max_exposure=0.25), "danger", SUBSTANCES)
    fixed = {1: Form(1, ("danger-005",), fixed=True)}
    assert "rule 'scope-physical-risk' (area 'danger') has 2 eligible item(s): 1 use(s) left for the 3 form(s) " \
           "from cycle 2 on" in period_shortfall(bank, plan, fixed)
    assert period_shortfall(bank, replace(plan, max_exposure=1.0)) == ""
