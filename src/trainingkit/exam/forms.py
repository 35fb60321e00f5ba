"""Forms over the renewal cycles: the register of forms already given, checks and the report.

``coursework/forms.yaml`` registers each form once it is fixed (given to coaches): its cycle,
items, cut score and how the cut score was set. A fixed form never changes, whatever the
bank becomes; later cycles are assembled around it. :func:`violations` checks forms against
the blueprint independently of the solver that made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import yaml

from trainingkit.answers import write_atomically
from trainingkit.bank.model import Vignette
from trainingkit.exam.angoff import CutScore, Ratings, RatingsError, cut_score
from trainingkit.exam.assemble import Form, assemble_cycles
from trainingkit.exam.blueprint import Blueprint

HEADER = ("# Ethics review forms already given: fixed, never assembled again (written by\n"
          "# `trainingkit review-form --cycle N --fix`). Instructor side: it names exam items.\n")


class RegisterError(ValueError):
    """The register of forms is wrong; the message names the file and form."""


@dataclass(frozen=True)
class FixedForm:
    """A form given to coaches, with the cut score it was given with."""

    form: Form
    cut: CutScore
    fixed_on: str


def read_register(path: Path, bank: Mapping[str, Vignette]) -> dict[int, FixedForm]:
    """Every fixed form; an absent register means none yet."""
    if not path.exists():
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise RegisterError(f"{path}: cannot be read ({error})") from None
    fixed: dict[int, FixedForm] = {}
    for number, raw in enumerate(document.get("forms") or [], start=1):
        where = f"{path}: forms[{number}]"
        try:
            cycle, items = int(raw["cycle"]), tuple(raw["items"])
            cut = CutScore(float(raw["cut_score"]), raw.get("standard_error"), str(raw["cut_source"]))
        except (KeyError, TypeError, ValueError) as error:
            raise RegisterError(f"{where}: needs cycle, items, cut_score and cut_source ({error})") from None
        unknown = [item for item in items if item not in bank]
        if unknown:
            raise RegisterError(f"{where}: items {', '.join(unknown)} are not in the bank")
        if cycle in fixed:
            raise RegisterError(f"{where}: cycle {cycle} is registered twice")
        fixed[cycle] = FixedForm(Form(cycle, items, fixed=True), cut, str(raw.get("fixed_on", "")))
    return fixed


def fix_form(path: Path, bank: Mapping[str, Vignette], form: Form, cut: CutScore,
             on: dt.date | None = None) -> FixedForm:
    """Register ``form`` as given; a cycle already registered is refused."""
    fixed = read_register(path, bank)
    if form.cycle in fixed:
        raise RegisterError(f"{path}: cycle {form.cycle}'s form is already fixed (on {fixed[form.cycle].fixed_on})")
    record = FixedForm(Form(form.cycle, form.items, fixed=True), cut, (on or dt.date.today()).isoformat())
    fixed[form.cycle] = record
    document = {"forms": [{"cycle": c, "fixed_on": f.fixed_on, "cut_score": f.cut.percent,
                           "standard_error": f.cut.standard_error, "cut_source": f.cut.source,
                           "items": list(f.form.items)} for c, f in sorted(fixed.items())]}
    write_atomically(path, HEADER + yaml.safe_dump(document, sort_keys=False, width=100))
    return record


def violations(forms: Mapping[int, Form], bank: Mapping[str, Vignette], blueprint: Blueprint) -> list[str]:
    """Every way the forms break the blueprint (empty when they meet it)."""
    problems = []
    reference = forms.get(blueprint.reference_cycle)
    for cycle, form in sorted(forms.items()):
        items = [bank[item] for item in form.items]
        if len(set(form.items)) != blueprint.items:
            problems.append(f"cycle {cycle}: {len(set(form.items))} items, not {blueprint.items}")
        for area in blueprint.areas:
            count = sum(v.area == area.id for v in items)
            if not area.minimum <= count <= area.maximum:
                problems.append(f"cycle {cycle}: {count} item(s) in {area.id}, not {area.minimum}-{area.maximum}")
        for kind, (low, high) in blueprint.kinds.items():
            count = sum(v.kind is kind for v in items)
            if not low <= count <= high:
                problems.append(f"cycle {cycle}: {count} {kind.value} item(s), not {low}-{high}")
        groups = [group for v in items for group in v.enemies]
        problems += [f"cycle {cycle}: two items of enemy group {g}" for g in sorted({g for g in groups
                                                                                     if groups.count(g) > 1})]
        for earlier in range(cycle - blueprint.window, cycle):
            if earlier in forms and form.overlap(forms[earlier]) > blueprint.overlap_limit:
                problems.append(f"cycle {cycle}: shares {form.overlap(forms[earlier])} items with cycle {earlier}")
        if reference is not None and not form.fixed and abs(
                form.expected_score(bank) - reference.expected_score(bank)) > blueprint.tolerance + 1e-9:
            problems.append(f"cycle {cycle}: expected score {form.expected_score(bank):.3f} is more than "
                            f"{blueprint.tolerance} from the reference form's {reference.expected_score(bank):.3f}")
        if not form.fixed:
            problems += [f"cycle {cycle}: {v.id} is retired ({v.retired})" for v in items if v.retired]
    return problems


def plan_forms(bank: Mapping[str, Vignette], blueprint: Blueprint, cycles: Sequence[int],
               register: Path, exclude: AbstractSet[str] = frozenset()) -> dict[int, Form]:
    """The forms of ``cycles``: fixed ones from the register, the others assembled around them."""
    fixed = {cycle: record.form for cycle, record in read_register(register, bank).items()}
    return assemble_cycles(bank, blueprint, cycles, fixed, exclude)


def report_rows(forms: Mapping[int, Form], bank: Mapping[str, Vignette], blueprint: Blueprint,
                register: Path, ratings: Ratings | None = None) -> list[dict[str, str]]:
    """One row per form: coverage by area, overlap with earlier forms, expected score and cut score."""
    fixed = read_register(register, bank)
    rows = []
    for cycle, form in sorted(forms.items()):
        try:
            cut = fixed[cycle].cut if cycle in fixed else cut_score(form.items, bank, ratings)
        except RatingsError as error:
            raise RatingsError(f"cycle {cycle}'s form: {error}") from None
        overlaps = [form.overlap(forms[c]) for c in range(cycle - blueprint.window, cycle) if c in forms]
        rows.append({
            "cycle": str(cycle),
            "status": "fixed" if cycle in fixed else "planned",
            "items": str(len(form.items)),
            "coverage": " ".join(f"{area.id}={sum(bank[i].area == area.id for i in form.items)}"
                                 for area in blueprint.areas),
            "max_overlap_previous": str(max(overlaps, default=0)),
            "expected_score": f"{form.expected_score(bank):.3f}",
            "cut_score": f"{cut.percent:.1f}",
            "cut_se": "" if cut.standard_error is None else f"{cut.standard_error:.2f}",
            "cut_source": cut.source,
        })
    return rows
