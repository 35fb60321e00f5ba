"""The ethics review's blueprint: what every form must cover, as validated data.

``coursework/blueprint.yaml`` names the form's length, how many items of each kind it
holds, the content areas (the Code's sections, with each high-stakes rule an area of its
own) with a minimum and maximum per form, and the rules between forms: how many cycles
back a form is compared with, the largest share of items two such forms may have in
common, and how far a form's expected score may drift from the reference form's. Every
error names the file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from trainingkit.bank.load import SLUG, _LineLoader
from trainingkit.bank.model import CODE_SECTIONS, Kind


class BlueprintError(ValueError):
    """The blueprint breaks its schema; the message names file, line and field."""


@dataclass(frozen=True)
class Area:
    """One content area and how many of its items a form holds."""

    id: str
    title: str
    section: str
    minimum: int
    maximum: int
    high_stakes: bool = False
    #: The Code's rules (clause ids) the area holds: every form has an item citing each, so an area
    #: holding several high-stakes rules cannot be covered by an item on one of them alone.
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Blueprint:
    """What every ethics review form must meet."""

    items: int
    kinds: dict[Kind, tuple[int, int]]
    areas: tuple[Area, ...]
    window: int = 3
    max_overlap: float = 0.2
    tolerance: float = 0.02
    reference_cycle: int = 1
    target_difficulty: float | None = None
    seed: int = 0
    #: Forms are planned together a period (this many cycles) at a time: cycles 1..period, then the next.
    period: int = 30
    #: The largest share of a period's forms any one item may be on (1.0: no cap).
    max_exposure: float = 1.0
    #: How far a form's points and high-stakes count may be from the reference form's (None: free).
    points_tolerance: int | None = None
    high_stakes_tolerance: int | None = None
    #: How far the spread (standard deviation) of a form's ratings may be from the reference form's.
    spread_tolerance: float | None = None

    @property
    def overlap_limit(self) -> int:
        """The most items a form may share with any form within :attr:`window` cycles of it."""
        return int(self.max_overlap * self.items + 1e-9)

    @property
    def exposure_limit(self) -> int:
        """The most forms of one period an item may be on (at least one)."""
        return max(1, int(self.max_exposure * self.period + 1e-9))

    def period_of(self, cycle: int) -> range:
        """The cycles planned together with ``cycle``."""
        start = (cycle - 1) // self.period * self.period + 1
        return range(start, start + self.period)

    @property
    def rules(self) -> tuple[tuple[str, Area], ...]:
        """Every rule every form must cover, each with the area that holds it."""
        return tuple((rule, area) for area in self.areas for rule in area.rules)

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)


def _count(raw: Any, field: str, fail: Any, low: int = 0) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < low:
        fail(field, f"must be a whole number of at least {low}, not {raw!r}")
    return raw


def _fraction(raw: Any, field: str, fail: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw <= 1:
        fail(field, f"must be a number from 0 to 1, not {raw!r}")
    return float(raw)


def _optional(form: dict, name: str, fail: Any, check: Any) -> Any:
    raw = form.get(name)
    return None if raw is None else check(raw, f"form.{name}", fail)


def parse_blueprint(document: Any, path: Path | str) -> Blueprint:
    """The blueprint in a parsed YAML document; ``path`` names it in errors."""
    def failer(line: int | None):
        def fail(field: str, message: str) -> None:
            where = f"{path}:{line}" if line else str(path)
            raise BlueprintError(f"{where}: field {field!r}: {message}")
        return fail

    if not isinstance(document, dict):
        raise BlueprintError(f"{path}: must be a mapping with 'form' and 'areas'")
    form = document.get("form")
    fail = failer(getattr(document, "line", None))
    if not isinstance(form, dict):
        fail("form", "must be a mapping (items, kinds, window, max_overlap, tolerance)")
    fail = failer(getattr(form, "line", None))
    items = _count(form.get("items"), "form.items", fail, low=1)
    kinds: dict[Kind, tuple[int, int]] = {}
    raw_kinds = form.get("kinds") or {}
    if not isinstance(raw_kinds, dict):
        fail("form.kinds", "must map single/multiple to a count or {min, max}")
    for name, value in raw_kinds.items():
        if name not in (Kind.SINGLE.value, Kind.MULTIPLE.value):
            fail(f"form.kinds.{name}", "only single and multiple items are on a form")
        low, high = ((value, value) if isinstance(value, int) and not isinstance(value, bool) else
                     (value.get("min", 0), value.get("max", items)) if isinstance(value, dict) else (None, None))
        kinds[Kind(name)] = (_count(low, f"form.kinds.{name}.min", fail), _count(high, f"form.kinds.{name}.max", fail))
    window = _count(form.get("window", 3), "form.window", fail)
    max_overlap = _fraction(form.get("max_overlap", 0.2), "form.max_overlap", fail)
    tolerance = _fraction(form.get("tolerance", 0.02), "form.tolerance", fail)
    reference = _count(form.get("reference_cycle", 1), "form.reference_cycle", fail, low=1)
    target = form.get("target_difficulty")
    target = None if target is None else _fraction(target, "form.target_difficulty", fail)
    seed = _count(form.get("seed", 0), "form.seed", fail)
    period = _count(form.get("period", 30), "form.period", fail, low=1)
    max_exposure = _fraction(form.get("max_exposure", 1.0), "form.max_exposure", fail)
    points_tolerance = _optional(form, "points_tolerance", fail, _count)
    high_stakes_tolerance = _optional(form, "high_stakes_tolerance", fail, _count)
    spread_tolerance = _optional(form, "spread_tolerance", fail, _fraction)

    raw_areas = document.get("areas")
    if not isinstance(raw_areas, list) or not raw_areas:
        failer(getattr(document, "line", None))("areas", "must be a list of content areas")
    areas: list[Area] = []
    for number, raw in enumerate(raw_areas, start=1):
        fail = failer(getattr(raw, "line", None))
        where = f"areas[{number}]"
        if not isinstance(raw, dict):
            fail(where, "must be a mapping with id, title, section, min and max")
        area_id = raw.get("id")
        if not isinstance(area_id, str) or not SLUG.match(area_id):
            fail(f"{where}.id", "must be an id such as 'risk-suicidality'")
        if any(area.id == area_id for area in areas):
            fail(f"{where}.id", f"{area_id!r} is listed twice")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            fail(f"{where}.title", "must be non-empty text")
        if raw.get("section") not in CODE_SECTIONS:
            fail(f"{where}.section", f"{raw.get('section')!r} is not a known section: " + "; ".join(CODE_SECTIONS))
        low = _count(raw.get("min"), f"{where}.min", fail)
        high = _count(raw.get("max"), f"{where}.max", fail)
        if low > high:
            fail(f"{where}.max", f"is below its min ({high} < {low})")
        rules = raw.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) and SLUG.match(r) for r in rules):
            fail(f"{where}.rules", "must be a list of clause ids such as 'scope-coach-impaired'")
        if len(set(rules)) != len(rules):
            fail(f"{where}.rules", "lists a rule twice")
        areas.append(Area(area_id, title.strip(), raw["section"], low, high, bool(raw.get("high_stakes", False)),
                          tuple(rules)))
    repeated = sorted({r for a in areas for r in a.rules if sum(r in b.rules for b in areas) > 1})
    if repeated:
        failer(getattr(document, "line", None))("areas", f"rule(s) {', '.join(repeated)} listed in two areas")
    fail = failer(getattr(form, "line", None))
    if sum(a.minimum for a in areas) > items:
        fail("form.items", f"{items} items cannot meet the areas' minimums, which add up to "
                           f"{sum(a.minimum for a in areas)}")
    if sum(a.maximum for a in areas) < items:
        fail("form.items", f"{items} items cannot fit under the areas' maximums, which add up to "
                           f"{sum(a.maximum for a in areas)}")
    if kinds and (sum(low for low, _ in kinds.values()) > items or
                  (len(kinds) == 2 and sum(high for _, high in kinds.values()) < items)):
        fail("form.kinds", f"the counts by kind cannot add up to {items} items")
    return Blueprint(items, kinds, tuple(areas), window, max_overlap, tolerance, reference, target, seed,
                     period, max_exposure, points_tolerance, high_stakes_tolerance, spread_tolerance)


def load_blueprint(path: Path | str) -> Blueprint:
    """Read and validate ``coursework/blueprint.yaml``."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise BlueprintError(f"{path}:{mark.line + 1 if mark else '?'}: is not valid YAML") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BlueprintError(f"{path}: cannot be read ({error})") from None
    return parse_blueprint(document, path)


