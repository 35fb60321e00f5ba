"""Forms over the renewal cycles: the register of forms already given, checks and the report.

``coursework/forms.yaml`` registers each form once it is fixed (given to coaches): its cycle,
items, cut score and how the cut score was set, whether it is a parallel form of an earlier
cycle's period (``parallel_to``: given in that period to coaches who sat its form already), and a hash of each item's content as fixed
(:func:`content_hash`: what a coach reads and how it is scored). A fixed form never changes,
whatever the bank becomes; later cycles are assembled around it, and
:func:`frozen_content_problems` names every fixed item whose text has changed since. A change
that has to stand (a flaw found after fixing) is recorded as a dated amendment with its reason
(:func:`amend_form`), never silently. A fixed form's cut score is the panel's: fixed with a
provisional one, it is set from the raters' last round before the form's first sitting
(:func:`set_cut`), and every change stays on record with its date, who made it and why.
:func:`violations` checks forms against the blueprint
independently of the solver that made them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence, Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainingkit.bank.model import Vignette
from trainingkit.exam.angoff import CutScore, Ratings, RatingsError, cut_score
from trainingkit.exam.assemble import Form, Profile, assemble_cycles, profile
from trainingkit.exam.blueprint import Blueprint
from trainingkit.exam.exposure import item_uses, overexposed
from trainingkit.files import write_atomically

HEADER = ("# Ethics review forms already given: fixed, never assembled again (written by\n"
          "# `trainingkit review-form --cycle N --fix`), each with a hash of its items' content as fixed and any\n"
          "# dated amendment (`--amend REASON`). Instructor side: it names exam items.\n")


class RegisterError(ValueError):
    """The register of forms is wrong; the message names the file and form."""


def content_hash(vignette: Vignette) -> str:
    """A short SHA-256 of what a coach reads on a form and how it is scored.

    Title, content notes, scenario, question, kind, points, options and key count; the
    rationale, per-option feedback and blueprint tags (area, rating, enemies, retirement) do
    not, since changing them changes neither what a coach answered nor the score.
    """
    shown = {"title": vignette.title.strip(), "content_notes": list(vignette.content_notes),
             "scenario": vignette.scenario.strip(), "question": vignette.question.strip(),
             "kind": vignette.kind.value, "points": vignette.points,
             "options": [[option.id, option.text.strip()] for option in vignette.options],
             "key": sorted(vignette.key)}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Amendment:
    """A dated, reasoned change to the content of a fixed form's items: ``{item: (was, now)}`` hashes."""

    on: str
    reason: str
    items: Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class CutChange:
    """A dated change of a fixed form's cut score: from what, to what, how it was set, by whom and why."""

    on: str
    was: float
    now: float
    source: str
    by: str
    reason: str


@dataclass(frozen=True)
class FixedForm:
    """A form given to coaches, with the cut score it was given with and its items' content as fixed."""

    form: Form
    cut: CutScore
    fixed_on: str
    #: ``{item: content_hash}`` as fixed (or as last amended); empty in a register older than hashes.
    content: Mapping[str, str] = field(default_factory=dict)
    amendments: tuple[Amendment, ...] = ()
    cut_changes: tuple[CutChange, ...] = ()
    #: The cycle whose period this form is a parallel form of (given in the same period, to coaches who
    #: sat that cycle's form); None: the form of its own cycle's period.
    parallel_to: int | None = None

    def changed_items(self, bank: Mapping[str, Vignette]) -> list[str]:
        """The form's items whose content in the bank differs from what was fixed."""
        return [item for item in self.form.items
                if item in self.content and content_hash(bank[item]) != self.content[item]]


def _hashes(raw: object, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise RegisterError(f"{where}: content must map each item to its content hash")
    return dict(raw)


def _amendments(raw: object, where: str) -> tuple[Amendment, ...]:
    amendments = []
    for number, entry in enumerate(raw or [], start=1):
        at = f"{where}: amendments[{number}]"
        try:
            items = {item: (str(change["was"]), str(change["now"])) for item, change in entry["items"].items()}
            amendments.append(Amendment(str(entry["amended_on"]), str(entry["reason"]), items))
        except (KeyError, TypeError, AttributeError) as error:
            raise RegisterError(f"{at}: needs amended_on, reason and items (item: {{was, now}}) ({error})") from None
    return tuple(amendments)


def _cut_changes(raw: object, where: str) -> tuple[CutChange, ...]:
    changes = []
    for number, entry in enumerate(raw or [], start=1):
        try:
            changes.append(CutChange(str(entry["changed_on"]), float(entry["was"]), float(entry["now"]),
                                     str(entry["source"]), str(entry["by"]), str(entry["reason"])))
        except (KeyError, TypeError, ValueError) as error:
            raise RegisterError(f"{where}: cut_changes[{number}]: needs changed_on, was, now, source, by and reason "
                                f"({error})") from None
    return tuple(changes)


def read_register(path: Path, bank: Mapping[str, Vignette] | None) -> dict[int, FixedForm]:
    """Every fixed form; an absent register means none yet. ``bank`` None: the items are not checked
    against a bank (the hub's office reads a copy of the register, for cut scores, without the bank)."""
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
        unknown = [item for item in items if bank is not None and item not in bank]
        if unknown:
            raise RegisterError(f"{where}: items {', '.join(unknown)} are not in the bank")
        if cycle in fixed:
            raise RegisterError(f"{where}: cycle {cycle} is registered twice")
        content = _hashes(raw.get("content"), where)
        if content and set(content) != set(items):
            raise RegisterError(f"{where}: content must hold a hash for each of the form's items and no other")
        parallel_to = raw.get("parallel_to")
        if parallel_to is not None and (not isinstance(parallel_to, int) or not 1 <= parallel_to < cycle
                                        or parallel_to not in fixed or fixed[parallel_to].parallel_to is not None):
            raise RegisterError(f"{where}: parallel_to must name an earlier cycle whose form is its period's own")
        fixed[cycle] = FixedForm(Form(cycle, items, fixed=True), cut, str(raw.get("fixed_on", "")), content,
                                 _amendments(raw.get("amendments"), where), _cut_changes(raw.get("cut_changes"), where),
                                 parallel_to)
    return fixed


def replaced_on(fixed: Mapping[int, FixedForm], cycle: int) -> str | None:
    """The day a later period's form replaced ``cycle``'s period (its forms are given no more), or None.

    A parallel form (``parallel_to``) belongs to an earlier cycle's period and replaces nothing."""
    period = fixed[cycle].parallel_to or cycle
    later = [record.fixed_on for number, record in fixed.items()
             if number > period and record.parallel_to is None and number != cycle]
    return min(later, default=None)


def _write_register(path: Path, fixed: Mapping[int, FixedForm]) -> None:
    forms = []
    for cycle, record in sorted(fixed.items()):
        entry: dict[str, object] = {
            "cycle": cycle, "fixed_on": record.fixed_on, "cut_score": record.cut.percent,
            "standard_error": record.cut.standard_error, "cut_source": record.cut.source}
        if record.parallel_to is not None:
            entry["parallel_to"] = record.parallel_to
        entry |= {"items": list(record.form.items), "content": dict(record.content)}
        if record.amendments:
            entry["amendments"] = [{"amended_on": a.on, "reason": a.reason,
                                    "items": {item: {"was": was, "now": now} for item, (was, now) in a.items.items()}}
                                   for a in record.amendments]
        if record.cut_changes:
            entry["cut_changes"] = [{"changed_on": c.on, "was": c.was, "now": c.now, "source": c.source,
                                     "by": c.by, "reason": c.reason} for c in record.cut_changes]
        forms.append(entry)
    write_atomically(path, HEADER + yaml.safe_dump({"forms": forms}, sort_keys=False, width=100))


def fix_form(path: Path, bank: Mapping[str, Vignette], form: Form, cut: CutScore,
             on: dt.date | None = None, parallel_to: int | None = None) -> FixedForm:
    """Register ``form`` as given, with its items' content hashes; a cycle already registered is refused.

    ``parallel_to`` registers it as a parallel form of that earlier cycle's period (for review sittings:
    a coach who did not pass one form sits another), which replaces nothing."""
    fixed = read_register(path, bank)
    if form.cycle in fixed:
        raise RegisterError(f"{path}: cycle {form.cycle}'s form is already fixed (on {fixed[form.cycle].fixed_on})")
    if parallel_to is not None and (parallel_to not in fixed or fixed[parallel_to].parallel_to is not None):
        raise RegisterError(f"{path}: cycle {parallel_to} has no form of its own period fixed to be parallel to")
    record = FixedForm(Form(form.cycle, form.items, fixed=True), cut, (on or dt.date.today()).isoformat(),
                       {item: content_hash(bank[item]) for item in form.items}, parallel_to=parallel_to)
    fixed[form.cycle] = record
    _write_register(path, fixed)
    return record


def amend_form(path: Path, bank: Mapping[str, Vignette], cycle: int, reason: str,
               on: dt.date | None = None) -> Amendment:
    """Accept the bank's current content of a fixed form's changed items, with a dated reason on record."""
    fixed = read_register(path, bank)
    if cycle not in fixed:
        raise RegisterError(f"{path}: cycle {cycle}'s form is not fixed")
    record = fixed[cycle]
    if not reason.strip():
        raise RegisterError(f"{path}: an amendment to cycle {cycle}'s form needs a reason")
    if not record.content:
        raise RegisterError(f"{path}: cycle {cycle}'s form records no content to amend")
    changed = record.changed_items(bank)
    if not changed:
        raise RegisterError(f"{path}: no item of cycle {cycle}'s form has changed since it was fixed")
    amendment = Amendment((on or dt.date.today()).isoformat(), reason.strip(),
                          {item: (record.content[item], content_hash(bank[item])) for item in changed})
    fixed[cycle] = FixedForm(record.form, record.cut, record.fixed_on,
                             {**record.content, **{item: now for item, (_, now) in amendment.items.items()}},
                             (*record.amendments, amendment), record.cut_changes)
    _write_register(path, fixed)
    return amendment


def set_cut(path: Path, bank: Mapping[str, Vignette], cycle: int, cut: CutScore, *, by: str, reason: str,
            sittings: int, on: dt.date | None = None) -> CutChange:
    """Give fixed form ``cycle`` the panel's cut score ``cut``, recording the change with its date, who and why.

    ``sittings`` is how many results the form already has: a cut score is set before the first
    sitting, since a coach's pass or fail must not move after the event. A provisional cut (no
    raters) is refused, and so is a change that changes nothing.
    """
    fixed = read_register(path, bank)
    if cycle not in fixed:
        raise RegisterError(f"{path}: cycle {cycle}'s form is not fixed; fix it first (review-form --fix)")
    record = fixed[cycle]
    if not by.strip() or not reason.strip():
        raise RegisterError(f"{path}: a change to cycle {cycle}'s cut score needs who makes it (--by) and why "
                            "(--why)")
    if cut.source == "provisional":
        raise RegisterError(f"{path}: cycle {cycle}'s cut score comes from the panel's ratings, and there are no "
                            "rater files (coursework/ratings/round-N/*.csv or --ratings)")
    if sittings:
        raise RegisterError(f"{path}: cycle {cycle}'s form already has {sittings} result(s) at cut score "
                            f"{record.cut.percent:g}%; a cut score is set before a form's first sitting, so it "
                            "stays as it is")
    if cut.percent == record.cut.percent and cut.source == record.cut.source:
        raise RegisterError(f"{path}: cycle {cycle}'s cut score is already {cut.percent:g}% ({cut.source})")
    change = CutChange((on or dt.date.today()).isoformat(), record.cut.percent, cut.percent, cut.source,
                       by.strip(), reason.strip())
    fixed[cycle] = FixedForm(record.form, cut, record.fixed_on, record.content, record.amendments,
                             (*record.cut_changes, change))
    _write_register(path, fixed)
    return change


def frozen_content_problems(fixed: Mapping[int, FixedForm], bank: Mapping[str, Vignette]) -> list[str]:
    """Every fixed form whose items' content changed since it was fixed, or that records none."""
    problems = []
    for cycle, record in sorted(fixed.items()):
        if not record.content:
            problems.append(f"cycle {cycle}'s fixed form records no content for its items, so a change to them "
                            "cannot be seen")
            continue
        changed = record.changed_items(bank)
        if changed:
            problems.append(
                f"cycle {cycle}'s fixed form (fixed on {record.fixed_on}): the text of {', '.join(changed)} changed "
                f"since it was fixed, so the form no longer shows what coaches were given; restore the text (and "
                f"put the new one in a new item), or record why with `trainingkit review-form --cycle {cycle} "
                f"--amend REASON`")
    return problems


def violations(forms: Mapping[int, Form], bank: Mapping[str, Vignette], blueprint: Blueprint) -> list[str]:
    """Every way the forms break the blueprint (empty when they meet it).

    A fixed form is held to the rules it was given under (its areas, counts and overlap); the
    rules and parallel targets added since are :func:`fixed_form_notes`, not breaks.
    """
    problems = []
    reference = forms.get(blueprint.reference_cycle)
    target = profile(reference, bank, blueprint) if reference is not None else None
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
                problems.append(f"cycle {cycle}: shares {form.overlap(forms[earlier])} items with cycle {earlier}, "
                                f"more than {blueprint.overlap_limit}")
        if not form.fixed:
            problems += _unfixed_problems(form, bank, blueprint, target)
    return problems + overexposed(forms, blueprint)


def _parallel_gaps(form: Form, bank: Mapping[str, Vignette], blueprint: Blueprint, target: Profile | None
                   ) -> list[str]:
    """How the form's rules covered and parallel targets fall short (fixed or not)."""
    gaps = [f"no item on rule {rule} (area {area.id})" for (rule, area), covering
            in zip(blueprint.rules, form.rules_covered(bank, blueprint).values()) if not covering]
    if target is None:
        return gaps
    mine = profile(form, bank, blueprint)
    if abs(mine.share - target.share) > blueprint.tolerance + 1e-9:
        gaps.append(f"expected score {100 * mine.share:.1f}% is more than {100 * blueprint.tolerance:g} point(s) "
                    f"from the reference form's {100 * target.share:.1f}%")
    if blueprint.points_tolerance is not None and abs(mine.points - target.points) > blueprint.points_tolerance:
        gaps.append(f"{mine.points:g} points, not within {blueprint.points_tolerance} of the reference's "
                    f"{target.points:g}")
    if (blueprint.high_stakes_tolerance is not None
            and abs(mine.high_stakes - target.high_stakes) > blueprint.high_stakes_tolerance):
        gaps.append(f"{mine.high_stakes} high-stakes items, not within {blueprint.high_stakes_tolerance} of the "
                    f"reference's {target.high_stakes}")
    if blueprint.spread_tolerance is not None and abs(mine.spread - target.spread) > blueprint.spread_tolerance + 1e-9:
        gaps.append(f"spread of ratings {mine.spread:.3f}, not within {blueprint.spread_tolerance} of the "
                    f"reference's {target.spread:.3f}")
    return gaps


def _unfixed_problems(form: Form, bank: Mapping[str, Vignette], blueprint: Blueprint, target: Profile | None
                      ) -> list[str]:
    return ([f"cycle {form.cycle}: {gap}" for gap in _parallel_gaps(form, bank, blueprint, target)]
            + [f"cycle {form.cycle}: {item} is retired ({bank[item].retired})" for item in form.items
               if bank[item].retired])


def fixed_form_notes(forms: Mapping[int, Form], bank: Mapping[str, Vignette], blueprint: Blueprint) -> list[str]:
    """What fixed forms lack of the rules and parallel targets added after they were given (never changed)."""
    reference = forms.get(blueprint.reference_cycle)
    target = profile(reference, bank, blueprint) if reference is not None else None
    return [f"cycle {cycle} (fixed, given as it is): {gap}" for cycle, form in sorted(forms.items()) if form.fixed
            for gap in _parallel_gaps(form, bank, blueprint, None if cycle == blueprint.reference_cycle else target)]


def plan_forms(bank: Mapping[str, Vignette], blueprint: Blueprint, cycles: Sequence[int],
               register: Path, exclude: AbstractSet[str] = frozenset()) -> dict[int, Form]:
    """The forms of ``cycles``: fixed ones from the register, the others assembled around them."""
    fixed = {cycle: record.form for cycle, record in read_register(register, bank).items()}
    return assemble_cycles(bank, blueprint, cycles, fixed, exclude)


def report_rows(forms: Mapping[int, Form], bank: Mapping[str, Vignette], blueprint: Blueprint,
                register: Path, ratings: Ratings | None = None, cycles: Sequence[int] | None = None
                ) -> list[dict[str, str]]:
    """One row per form of ``cycles`` (default: all): coverage by area and rule, overlap with earlier
    forms (all of ``forms`` counted), points, expected score, exposure and cut score."""
    fixed = read_register(register, bank)
    rows = []
    for cycle in sorted(cycles if cycles is not None else forms):
        form = forms[cycle]
        try:
            cut = fixed[cycle].cut if cycle in fixed else cut_score(form.items, bank, ratings)
        except RatingsError as error:
            raise RatingsError(f"cycle {cycle}'s form: {error}") from None
        overlaps = [form.overlap(forms[c]) for c in range(cycle - blueprint.window, cycle) if c in forms]
        period = blueprint.period_of(cycle)
        uses = item_uses(f for c, f in forms.items() if c in period and c <= cycle)
        covered = form.rules_covered(bank, blueprint)
        rows.append({
            "cycle": str(cycle),
            "status": "fixed" if cycle in fixed else "planned",
            "items": str(len(form.items)),
            "points": f"{form.points(bank):g}",
            "high_stakes": str(form.high_stakes(bank, blueprint)),
            "coverage": " ".join(f"{area.id}={sum(bank[i].area == area.id for i in form.items)}"
                                 for area in blueprint.areas),
            "rules_covered": f"{sum(bool(items) for items in covered.values())}/{len(covered)}",
            "rules_missing": " ".join(rule for rule, items in covered.items() if not items),
            "max_overlap_previous": str(max(overlaps, default=0)),
            "max_item_uses": str(max((uses[item] for item in form.items), default=0)),
            "expected_score": f"{form.expected_score(bank):.3f}",
            "spread": f"{form.spread(bank):.3f}",
            "cut_score": f"{cut.percent:.1f}",
            "cut_se": "" if cut.standard_error is None else f"{cut.standard_error:.2f}",
            "cut_source": cut.source,
        })
    return rows
