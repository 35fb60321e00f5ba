"""Assemble ethics review forms to the blueprint with an integer program (HiGHS via SciPy's milp).

One binary variable per eligible item (a choice item, tagged with a blueprint area and an
Angoff rating, not retired). The constraints are the blueprint's:

* the form's length, and its counts by kind;
* each content area's minimum and maximum, and each rule an area holds (an item citing it);
* at most one item of each enemy group; a case set's parts together;
* exposure over the pool: no item on more than the blueprint's share of its period's forms,
  with enough uses kept back in every area and rule for the period's forms still to come; and
  at most ``overlap_limit`` items in common with each form of the previous ``window`` cycles;
* parallel forms: the expected share of points (partial credit counted: a rating times the
  item's points) within ``tolerance`` of the reference form's, so every cut score falls within
  a point of the reference's, and points, high-stakes count and spread of ratings near its own.

The objective centres the expected share on the reference's (not at the band's edge) and
spreads exposure (an item already given costs more) with a small seeded jitter, so each cycle
gets a different, reproducible form. Forms already fixed (given to coaches) are taken as
they are; later cycles are assembled around them. When no form can be made, the message
names the area, rule or parallel target whose relaxation would make one.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Mapping, Sequence, Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from trainingkit.bank.model import Vignette
from trainingkit.exam.blueprint import Blueprint
from trainingkit.exam.exposure import item_uses

#: The share of the tolerance a form is first assembled within, so forms centre on the reference
#: rather than crowd at the band's edge (the whole band is used only when the centre cannot be met).
CENTRE = 0.2


class AssemblyError(ValueError):
    """No form meets the blueprint; the message names the content area (or rule) that blocks it."""


@dataclass(frozen=True)
class Form:
    """One cycle's form: its items in blueprint order, and whether it was already given."""

    cycle: int
    items: tuple[str, ...]
    fixed: bool = False

    def points(self, bank: Mapping[str, Vignette]) -> float:
        return sum(bank[item].points for item in self.items)

    def expected_points(self, bank: Mapping[str, Vignette]) -> float:
        """The points a just-competent coach is expected to earn: each rating times the item's points."""
        return sum((bank[item].angoff or 0.0) * bank[item].points for item in self.items)

    def expected_score(self, bank: Mapping[str, Vignette]) -> float:
        """The expected share of the form's points: the provisional cut score as a fraction."""
        return self.expected_points(bank) / self.points(bank)

    def spread(self, bank: Mapping[str, Vignette]) -> float:
        """The standard deviation of the items' ratings: how far the form mixes easy and hard items."""
        return statistics.pstdev(bank[item].angoff or 0.0 for item in self.items)

    def high_stakes(self, bank: Mapping[str, Vignette], blueprint: Blueprint) -> int:
        areas = {area.id for area in blueprint.areas if area.high_stakes}
        return sum(bank[item].area in areas for item in self.items)

    def rules_covered(self, bank: Mapping[str, Vignette], blueprint: Blueprint) -> dict[str, tuple[str, ...]]:
        """Each rule of the blueprint with the form's items that cite it (empty: not covered)."""
        return {rule: tuple(item for item in self.items if rule in bank[item].clauses) for rule, _ in blueprint.rules}

    def overlap(self, other: "Form") -> int:
        return len(set(self.items) & set(other.items))


@dataclass(frozen=True)
class Profile:
    """What parallel forms share with the reference form."""

    share: float
    points: float
    high_stakes: int
    spread: float
    mean_rating: float


def profile(form: Form, bank: Mapping[str, Vignette], blueprint: Blueprint) -> Profile:
    return Profile(form.expected_score(bank), form.points(bank), form.high_stakes(bank, blueprint),
                   form.spread(bank), statistics.fmean(bank[item].angoff or 0.0 for item in form.items))


def eligible(bank: Mapping[str, Vignette], blueprint: Blueprint, exclude: AbstractSet[str] = frozenset()
             ) -> list[Vignette]:
    """Items a new form may use: choice items tagged with an area of the blueprint and rated, not
    retired, and not in ``exclude`` (the practice sets, whose feedback explains their keys)."""
    areas = {area.id for area in blueprint.areas}
    usable = {v.id for v in bank.values() if v.kind.is_choice and v.area in areas and v.angoff is not None
              and not v.retired and v.id not in exclude}
    # a case set is usable only whole: one unusable part takes its other parts out too
    broken = {v.case for v in bank.values() if v.case and v.id not in usable}
    return sorted((bank[i] for i in usable if bank[i].case not in broken), key=lambda v: v.id)


def unplaceable_case_sets(bank: Mapping[str, Vignette], blueprint: Blueprint) -> dict[str, str]:
    """Each case set that no form meeting the blueprint can hold, with the reason (empty when all fit).

    A case set is placed whole, so its parts must fit the blueprint together: every part tagged
    with an area and rated, no area or kind holding more of its parts than a form allows, no two
    parts of one enemy group, and room left for every other area's minimum.
    """
    from trainingkit.bank.cases import case_sets

    areas = {area.id: area for area in blueprint.areas}
    problems: dict[str, str] = {}
    for case, parts in case_sets(bank.values()).items():
        reasons = [f"part {v.part} ({v.id}) has no blueprint area" + (f" ({v.area!r} is not one)" if v.area else "")
                   for v in parts if v.area not in areas]
        reasons += [f"part {v.part} ({v.id}) has no Angoff rating" for v in parts if v.angoff is None]
        for area in blueprint.areas:
            inside = [v.id for v in parts if v.area == area.id]
            if len(inside) > area.maximum:
                reasons.append(f"{len(inside)} parts ({', '.join(inside)}) are in area {area.id!r}, "
                               f"where a form holds at most {area.maximum}")
        for kind, (_, high) in blueprint.kinds.items():
            count = sum(v.kind is kind for v in parts)
            if count > high:
                reasons.append(f"{count} parts are {kind.value} items, where a form holds at most {high}")
        groups = [group for v in parts for group in v.enemies]
        reasons += [f"two parts are in enemy group {group!r}" for group in sorted({g for g in groups
                                                                                  if groups.count(g) > 1})]
        needed = sum(max(area.minimum, sum(v.area == area.id for v in parts)) for area in blueprint.areas)
        if not reasons and needed > blueprint.items:
            reasons.append(f"with its {len(parts)} parts a form needs {needed} items to meet every area's "
                           f"minimum, more than its {blueprint.items}")
        if reasons:
            problems[case] = "; ".join(reasons)
    return problems


@dataclass(frozen=True)
class _Pool:
    """Items one requirement draws on: an area's (with its minimum) or a rule's (at least one)."""

    name: str
    minimum: int
    members: frozenset[str]


def _pools(items: Sequence[Vignette], blueprint: Blueprint) -> list[_Pool]:
    pools = [_Pool(f"content area {area.id!r} ({area.title})", area.minimum,
                   frozenset(v.id for v in items if v.area == area.id)) for area in blueprint.areas]
    pools += [_Pool(f"rule {rule!r} (area {area.id!r})", 1, frozenset(v.id for v in items if rule in v.clauses))
              for rule, area in blueprint.rules]
    return pools


def _shortfall(items: Sequence[Vignette], blueprint: Blueprint, cycle: int, recent: Sequence[Form],
               uses: Mapping[str, int], remaining: int) -> str:
    """A sentence naming the area or rule that cannot be filled, if one alone explains infeasibility."""
    seen = set().union(*(set(form.items) for form in recent)) if recent else set()
    limit, period = blueprint.exposure_limit, blueprint.period_of(cycle)
    exhausted = []
    for pool in _pools(items, blueprint):
        members = [v for v in items if v.id in pool.members]
        groups = {group for v in members for group in v.enemies}
        usable = len([v for v in members if not v.enemies]) + len(groups)
        if usable < pool.minimum:
            return (f"{pool.name} has {len(members)} eligible item(s), {usable} usable together, and each form "
                    f"needs at least {pool.minimum}")
        fresh = [v for v in members if v.id not in seen and uses.get(v.id, 0) < limit]
        if recent and len(fresh) + blueprint.overlap_limit < pool.minimum:
            return (f"{pool.name} has only {len(fresh)} item(s) not used in the last {blueprint.window} cycles; "
                    f"it needs {pool.minimum} per form with at most {blueprint.overlap_limit} repeated")
        left = sum(max(0, limit - uses.get(v.id, 0)) for v in members)
        needed = pool.minimum * (remaining + 1)
        if left < needed:
            exhausted.append(f"{pool.name} has {len(members)} eligible item(s): {left} use(s) left for the "
                             f"{remaining + 1} form(s) from cycle {cycle} on, which need {needed}; add at least "
                             f"{math.ceil((needed - left) / limit)} item(s) to it")
    if exhausted:
        return (f"with each item on at most {limit} of the {blueprint.period} forms of cycles "
                f"{period.start}-{period.stop - 1} ({blueprint.max_exposure:.0%}), " + "; ".join(exhausted))
    return ""


def period_shortfall(bank: Mapping[str, Vignette], blueprint: Blueprint, fixed: Mapping[int, Form] = (),
                     exclude: AbstractSet[str] = frozenset()) -> str:
    """Why the pool cannot fill the period of the first cycle not yet fixed (empty when it can, by counting)."""
    fixed = dict(fixed or {})
    cycle = next(c for c in range(1, len(fixed) + 2) if c not in fixed)
    period = blueprint.period_of(cycle)
    uses = item_uses(form for c, form in fixed.items() if c in period)
    remaining = sum(c not in fixed for c in period) - 1
    return _shortfall(eligible(bank, blueprint, exclude), blueprint, cycle, [], uses, remaining)


@dataclass
class _Program:
    """The rows of one cycle's integer program, each labelled with the requirement it states."""

    n: int
    rows: list[np.ndarray]
    low: list[float]
    high: list[float]
    labels: list[str]

    def add(self, row: np.ndarray, low: float, high: float, label: str) -> None:
        self.rows.append(row)
        self.low.append(low)
        self.high.append(high)
        self.labels.append(label)

    def solve(self, cost: np.ndarray, upper: np.ndarray, relax: str = ""):
        from scipy.optimize import Bounds, LinearConstraint, milp

        keep = [k for k, label in enumerate(self.labels) if not relax or not label.startswith(relax)]
        rows = np.vstack([self.rows[k] for k in keep])
        return milp(cost, integrality=np.ones(len(cost)), bounds=Bounds(0, upper),
                    constraints=LinearConstraint(rows, [self.low[k] for k in keep], [self.high[k] for k in keep]),
                    options={"time_limit": 30, "mip_rel_gap": 0.05})


def _program(items: Sequence[Vignette], blueprint: Blueprint, recent: Sequence[Form], uses: Mapping[str, int],
             remaining: int, reference: Profile | None) -> _Program:
    n = len(items)
    program = _Program(n, [], [], [], [])

    def row(values) -> np.ndarray:
        return np.fromiter(values, float, n)

    program.add(row(1.0 for _ in items), blueprint.items, blueprint.items, "length")
    for kind, (lo, hi) in blueprint.kinds.items():
        program.add(row(float(v.kind is kind) for v in items), lo, hi, f"kind {kind.value}")
    for area in blueprint.areas:
        program.add(row(float(v.area == area.id) for v in items), area.minimum, area.maximum,
                    f"area minimum {area.id} ({area.title})")
    for rule, area in blueprint.rules:
        program.add(row(float(rule in v.clauses) for v in items), 1, blueprint.items,
                    f"rule {rule} (area {area.id})")
    for group in sorted({g for v in items for g in v.enemies}):
        program.add(row(float(group in v.enemies) for v in items), 0, 1, "enemy")
    for case in sorted({v.case for v in items if v.case}):
        parts = [k for k, v in enumerate(items) if v.case == case]
        for first, other in zip(parts, parts[1:]):  # the parts of a case set come together
            together = np.zeros(n)
            together[first], together[other] = 1.0, -1.0
            program.add(together, 0, 0, "case set")
    for form in recent:
        program.add(row(float(v.id in form.items) for v in items), 0, blueprint.overlap_limit,
                    f"overlap with cycle {form.cycle}")
    limit = blueprint.exposure_limit
    if limit < blueprint.period and remaining:
        for pool in _pools(items, blueprint):
            left = sum(max(0, limit - uses.get(i, 0)) for i in pool.members)
            program.add(row(float(v.id in pool.members) for v in items), 0, left - pool.minimum * remaining,
                        f"reserve for later cycles: {pool.name}")
    if reference is None:
        return program
    points_low = (reference.points - blueprint.points_tolerance if blueprint.points_tolerance is not None
                  else blueprint.items)
    slack = max(0.0, blueprint.tolerance - 0.001) * points_low  # a tenth of a point kept for rounding
    distance = row((v.angoff or 0.0) * v.points - reference.share * v.points for v in items)
    program.add(distance, -slack, slack, "parallel expected points")
    program.add(distance, -CENTRE * slack, CENTRE * slack, "centre")
    if blueprint.points_tolerance is not None:
        program.add(row(v.points for v in items), reference.points - blueprint.points_tolerance,
                    reference.points + blueprint.points_tolerance, "parallel points")
    if blueprint.high_stakes_tolerance is not None:
        high = {area.id for area in blueprint.areas if area.high_stakes}
        program.add(row(float(v.area in high) for v in items), reference.high_stakes - blueprint.high_stakes_tolerance,
                    reference.high_stakes + blueprint.high_stakes_tolerance, "parallel high-stakes count")
    if blueprint.spread_tolerance is not None:
        margin = max(0.0, blueprint.spread_tolerance - 0.002)
        program.add(row(((v.angoff or 0.0) - reference.mean_rating) ** 2 for v in items),
                    blueprint.items * max(0.0, reference.spread - margin) ** 2,
                    blueprint.items * (reference.spread + margin) ** 2, "parallel spread of difficulty")
    return program


_RELAXABLE = ("area minimum", "rule", "reserve for later cycles", "overlap with", "parallel", "kind", "enemy")


def _diagnose(program: _Program, cost: np.ndarray, upper: np.ndarray) -> str:
    """The requirement whose removal alone makes a form possible, found by re-solving without each."""
    program = _Program(program.n, *zip(*[(r, lo, hi, label) for r, lo, hi, label in
                                         zip(program.rows, program.low, program.high, program.labels)
                                         if label != "centre"])) if "centre" in program.labels else program
    for prefix in _RELAXABLE:
        for label in dict.fromkeys(label for label in program.labels if label.startswith(prefix)):
            if program.solve(cost, upper, relax=label).status == 0:
                return label
    return ""


def assemble_form(bank: Mapping[str, Vignette], blueprint: Blueprint, cycle: int,
                  previous: Mapping[int, Form], reference: Profile | None,
                  exclude: AbstractSet[str] = frozenset()) -> Form:
    """The form of ``cycle``, given the forms of earlier cycles and the reference form's profile
    (None for the reference form itself, aimed at the blueprint's target difficulty)."""
    items = eligible(bank, blueprint, exclude)
    period = blueprint.period_of(cycle)
    uses = item_uses(form for c, form in previous.items() if c in period)
    remaining = period.stop - 1 - cycle
    recent = [previous[c] for c in range(cycle - blueprint.window, cycle) if c in previous]
    reason = _shortfall(items, blueprint, cycle, recent, uses, remaining)
    if reason:
        raise AssemblyError(f"cycle {cycle}: no form meets the blueprint: {reason}")
    if reference is None and blueprint.target_difficulty is not None:
        reference = Profile(blueprint.target_difficulty, 0.0, 0, 0.0, blueprint.target_difficulty)
        blueprint_for_reference = Blueprint(blueprint.items, blueprint.kinds, blueprint.areas, blueprint.window,
                                            blueprint.max_overlap, blueprint.tolerance, seed=blueprint.seed,
                                            period=blueprint.period, max_exposure=blueprint.max_exposure)
        program = _program(items, blueprint_for_reference, recent, uses, remaining, reference)
    else:
        program = _program(items, blueprint, recent, uses, remaining, reference)
    jitter = random.Random(f"{blueprint.seed}:{cycle}")
    cost = np.array([uses.get(v.id, 0) + 0.5 * jitter.random() for v in items])
    upper = np.array([1.0 if uses.get(v.id, 0) < blueprint.exposure_limit else 0.0 for v in items])
    result = program.solve(cost, upper)
    if result.status != 0 and "centre" in program.labels:
        result = program.solve(cost, upper, relax="centre")
    if result.status != 0 or result.x is None:
        blocking = _diagnose(program, cost, upper)
        because = (f"the requirement '{blocking}' cannot be met together with the others" if blocking else
                   "no single requirement explains it (several together block every mix of items)")
        raise AssemblyError(f"cycle {cycle}: no form meets the blueprint: {because}; add items to that area "
                            f"or rule, retire fewer, or widen the blueprint's tolerance")
    chosen = {v.id for v, x in zip(items, result.x) if x > 0.5}
    return Form(cycle, form_order(chosen, bank, blueprint))


def form_order(chosen: AbstractSet[str], bank: Mapping[str, Vignette], blueprint: Blueprint) -> tuple[str, ...]:
    """Items by blueprint area, a case set's parts together and in order where its first part falls."""
    order = {area.id: number for number, area in enumerate(blueprint.areas)}
    first = {v.case: v for v in (bank[i] for i in chosen) if v.case and v.part == 1}

    def key(item: str) -> tuple[int, str, int]:
        v = bank[item]
        lead = first.get(v.case, v) if v.case else v
        return order[lead.area], lead.case or lead.id, v.part
    return tuple(sorted(chosen, key=key))


def assemble_cycles(bank: Mapping[str, Vignette], blueprint: Blueprint, cycles: Sequence[int],
                    fixed: Mapping[int, Form] = (), exclude: AbstractSet[str] = frozenset()) -> dict[int, Form]:
    """Forms for every cycle up to the last of ``cycles``: fixed ones kept, the others assembled in order,
    each period's exposure and reserves counted over the whole period (so a form does not depend on
    how many cycles were asked for)."""
    fixed = dict(fixed or {})
    forms: dict[int, Form] = {}
    reference: Profile | None = None
    for cycle in range(1, max(cycles) + 1):
        if cycle in fixed:
            forms[cycle] = fixed[cycle]
        else:
            forms[cycle] = assemble_form(bank, blueprint, cycle, forms,
                                         None if cycle == blueprint.reference_cycle else reference, exclude)
        if cycle == blueprint.reference_cycle:
            reference = profile(forms[cycle], bank, blueprint)
    return {cycle: forms[cycle] for cycle in cycles}
