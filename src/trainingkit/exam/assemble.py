"""Assemble ethics review forms to the blueprint with an integer program (HiGHS via SciPy's milp).

One binary variable per eligible item (a choice item, tagged with a blueprint area and an
Angoff rating, not retired). The constraints are the blueprint's:

* the form's length, and its counts by kind;
* each content area's minimum and maximum;
* at most one item of each enemy group;
* exposure: at most ``overlap_limit`` items in common with each form of the previous
  ``window`` cycles;
* parallel difficulty: the form's expected score (mean Angoff rating) within ``tolerance``
  of the reference form's (or of the blueprint's target, for the reference form itself).

The objective spreads exposure (an item already given costs more) with a small seeded
jitter, so each cycle gets a different, reproducible form. Forms already fixed (given to
coaches) are taken as they are; later cycles are assembled around them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence, Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from trainingkit.bank.model import Vignette
from trainingkit.exam.blueprint import Blueprint


class AssemblyError(ValueError):
    """No form meets the blueprint; the message names the content area (or rule) that blocks it."""


@dataclass(frozen=True)
class Form:
    """One cycle's form: its items in blueprint order, and whether it was already given."""

    cycle: int
    items: tuple[str, ...]
    fixed: bool = False

    def expected_score(self, bank: Mapping[str, Vignette]) -> float:
        """The mean Angoff rating of the form's items: a just-competent coach's expected share."""
        return sum(bank[item].angoff or 0.0 for item in self.items) / len(self.items)

    def overlap(self, other: "Form") -> int:
        return len(set(self.items) & set(other.items))


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


def _shortfall(items: Sequence[Vignette], blueprint: Blueprint, previous: Sequence[Form]) -> str:
    """A sentence naming the area that cannot be filled, if one alone explains infeasibility."""
    recent = set().union(*(set(form.items) for form in previous)) if previous else set()
    for area in blueprint.areas:
        pool = [v for v in items if v.area == area.id]
        groups = {group for v in pool for group in v.enemies}
        usable = len([v for v in pool if not v.enemies]) + len(groups)
        if usable < area.minimum:
            return (f"content area {area.id!r} ({area.title}) has {len(pool)} eligible item(s), "
                    f"{usable} usable together, and each form needs at least {area.minimum}")
        fresh = [v for v in pool if v.id not in recent]
        if previous and len(fresh) + blueprint.overlap_limit < area.minimum:
            return (f"content area {area.id!r} ({area.title}) has only {len(fresh)} item(s) not used in the last "
                    f"{blueprint.window} cycles; it needs {area.minimum} per form with at most "
                    f"{blueprint.overlap_limit} repeated")
    return ""


def assemble_form(bank: Mapping[str, Vignette], blueprint: Blueprint, cycle: int,
                  previous: Mapping[int, Form], reference: float | None,
                  exclude: AbstractSet[str] = frozenset()) -> Form:
    """The form of ``cycle``, given the forms of earlier cycles and the reference expected score."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    items = eligible(bank, blueprint, exclude)
    recent = [previous[c] for c in range(cycle - blueprint.window, cycle) if c in previous]
    reason = _shortfall(items, blueprint, recent)
    if reason:
        raise AssemblyError(f"cycle {cycle}: no form meets the blueprint: {reason}")
    n = len(items)
    rows: list[np.ndarray] = []
    low: list[float] = []
    high: list[float] = []

    def add(row: np.ndarray, lo: float, hi: float) -> None:
        rows.append(row)
        low.append(lo)
        high.append(hi)

    add(np.ones(n), blueprint.items, blueprint.items)
    for kind, (lo, hi) in blueprint.kinds.items():
        add(np.array([1.0 if v.kind is kind else 0.0 for v in items]), lo, hi)
    for area in blueprint.areas:
        add(np.array([1.0 if v.area == area.id else 0.0 for v in items]), area.minimum, area.maximum)
    for group in sorted({g for v in items for g in v.enemies}):
        add(np.array([1.0 if group in v.enemies else 0.0 for v in items]), 0, 1)
    for case in sorted({v.case for v in items if v.case}):
        parts = [n for n, v in enumerate(items) if v.case == case]
        for first, other in zip(parts, parts[1:]):  # the parts of a case set come together
            row = np.zeros(n)
            row[first], row[other] = 1.0, -1.0
            add(row, 0, 0)
    for form in recent:
        add(np.array([1.0 if v.id in form.items else 0.0 for v in items]), 0, blueprint.overlap_limit)
    target = reference if reference is not None else blueprint.target_difficulty
    if target is not None:
        slack = blueprint.tolerance * blueprint.items
        add(np.array([(v.angoff or 0.0) - target for v in items]), -slack, slack)
    uses = {item: sum(item in form.items for form in previous.values()) for item in (v.id for v in items)}
    jitter = random.Random(f"{blueprint.seed}:{cycle}")
    cost = np.array([uses[v.id] + 0.5 * jitter.random() for v in items])
    result = milp(cost, integrality=np.ones(n), bounds=Bounds(0, 1),
                  constraints=LinearConstraint(np.vstack(rows), low, high), options={"time_limit": 30})
    if result.status != 0 or result.x is None:
        rule = ("parallel difficulty (no mix of items reaches the reference form's expected score "
                f"{target:.3f} +/- {blueprint.tolerance})" if target is not None else "the blueprint's counts")
        raise AssemblyError(f"cycle {cycle}: no form meets the blueprint together with exposure control, "
                            f"enemy items and {rule}; add items to the thinnest areas or retire fewer")
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
    """Forms for every cycle up to the last of ``cycles``: fixed ones kept, the others assembled in order."""
    fixed = dict(fixed or {})
    forms: dict[int, Form] = {}
    reference: float | None = None
    for cycle in range(1, max(cycles) + 1):
        if cycle in fixed:
            forms[cycle] = fixed[cycle]
        else:
            forms[cycle] = assemble_form(bank, blueprint, cycle, forms,
                                         None if cycle == blueprint.reference_cycle else reference, exclude)
        if cycle == blueprint.reference_cycle:
            reference = forms[cycle].expected_score(bank)
    return {cycle: forms[cycle] for cycle in cycles}
