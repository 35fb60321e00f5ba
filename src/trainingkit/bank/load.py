"""Read and validate the vignette bank, naming the file, item and field of every error."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from trainingkit.bank.model import (
    CODE_SECTIONS,
    CONTENT_NOTES,
    DOMAINS,
    Kind,
    Option,
    RubricCriterion,
    RubricLevel,
    Vignette,
)

ITEM_ID = re.compile(r"^[a-z]+-[0-9]{3}$")
CASE_ID = re.compile(r"^case-[a-z]+-[0-9]{2}$")
SLUG = re.compile(r"^[a-z][a-z0-9-]*$")
OPTION_ID = re.compile(r"^[a-h]$")
REQUIRED_TEXT = ("id", "domain", "title", "scenario", "question", "kind", "rationale", "code_section")
KNOWN_FIELDS = frozenset(
    REQUIRED_TEXT + ("points", "content_notes", "options", "key", "rubric", "clauses", "area", "enemies",
                     "angoff", "retired")
)
#: What a case set gives once for all its parts (each part is an item without these).
CASE_FIELDS = frozenset(("id", "domain", "title", "scenario", "content_notes", "parts"))


class BankError(ValueError):
    """A bank file breaks the schema; the message names file, line, item and field."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None,
                 item: str | None = None, field: str | None = None) -> None:
        where = str(path)
        if line is not None:
            where += f":{line}"
        if item:
            where += f": item {item!r}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.item, self.field = str(path), line, item, field


class _Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:  # type: ignore[override]
        mapping = _Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping  # type: ignore[arg-type]
)


def _text(raw: _Mapping, field: str, fail: Any) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        fail(field, "must be non-empty text")
    return value.strip()


def _points(value: Any, field: str, fail: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        fail(field, f"must be a number above 0, not {value!r}")
    return float(value)


def _levels(raw: Any, top: float, where: str, fail: Any) -> tuple[RubricLevel, ...]:
    """An analytic rubric's levels for one criterion: from its full points down to 0."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        fail(f"{where}.levels", "must list at least two levels, each with points and description")
    levels = []
    for number, level in enumerate(raw, start=1):
        at = f"{where}.levels[{number}]"
        if not isinstance(level, dict):
            fail(at, "must be a mapping with points and description")
        points = level.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 <= points <= top:
            fail(f"{at}.points", f"must be a number from 0 to the criterion's {top:g} points, not {points!r}")
        levels.append(RubricLevel(float(points), _text(level, "description", lambda f, m: fail(f"{at}.{f}", m))))
    scores = [level.points for level in levels]
    if len(set(scores)) != len(scores):
        fail(f"{where}.levels", "gives two levels the same points")
    if max(scores) != top or min(scores) != 0:
        fail(f"{where}.levels", f"must run from the criterion's {top:g} points down to 0")
    return tuple(sorted(levels, key=lambda level: -level.points))


def _opened(raw: Any, path: Path, what: str, known: frozenset[str], label: str) -> tuple[str | None, Any]:
    """An item's or case's id and a ``fail(field, message)`` naming file, line and id; unknown fields refused."""
    if not isinstance(raw, _Mapping):
        raise BankError(path, f"each {what} must be a mapping of field: value")
    ident = raw.get("id") if isinstance(raw.get("id"), str) else None

    def fail(field: str, message: str) -> None:
        raise BankError(path, message, line=raw.line, item=ident, field=field)

    unknown = sorted(set(raw) - known)
    if unknown:
        fail(unknown[0], f"is not a {label} field (known: {', '.join(sorted(known))})")
    return ident, fail


def _parse_item(raw: Any, path: Path) -> Vignette:
    _, fail = _opened(raw, path, "item", KNOWN_FIELDS, "bank")
    values = {field: _text(raw, field, fail) for field in REQUIRED_TEXT}
    if not ITEM_ID.match(values["id"]):
        fail("id", "must look like 'scope-001' (lower-case domain word, dash, three digits)")
    if values["domain"] not in DOMAINS:
        fail("domain", f"{values['domain']!r} is not one of {', '.join(DOMAINS)}")
    try:
        kind = Kind(values["kind"])
    except ValueError:
        fail("kind", f"{values['kind']!r} is not one of single, multiple, reflection")
    if values["code_section"] not in CODE_SECTIONS:
        fail("code_section", f"{values['code_section']!r} is not a known section: "
             + "; ".join(CODE_SECTIONS))
    notes = raw.get("content_notes") or []
    if not isinstance(notes, list) or any(note not in CONTENT_NOTES for note in notes):
        fail("content_notes", f"must be a list drawn from {', '.join(CONTENT_NOTES)}")
    clauses = raw.get("clauses") or []
    if not isinstance(clauses, list) or not all(isinstance(c, str) for c in clauses):
        fail("clauses", "must be a list of clause ids")

    area = raw.get("area", "")
    if not isinstance(area, str) or (area and not SLUG.match(area)):
        fail("area", "must be a blueprint content area id such as 'risk-suicidality'")
    enemies = raw.get("enemies") or []
    if not isinstance(enemies, list) or not all(isinstance(e, str) and SLUG.match(e) for e in enemies):
        fail("enemies", "must be a list of enemy group ids such as 'subpoena-records'")
    angoff = raw.get("angoff")
    if angoff is not None and (isinstance(angoff, bool) or not isinstance(angoff, (int, float))
                               or not 0 < angoff < 1):
        fail("angoff", f"must be a probability between 0 and 1 (exclusive), not {angoff!r}")
    retired = raw.get("retired", "")
    if not isinstance(retired, str) or ("retired" in raw and not retired.strip()):
        fail("retired", "must say why the item is retired")
    options: list[Option] = []
    key: frozenset[str] = frozenset()
    rubric: list[RubricCriterion] = []
    if kind.is_choice:
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or not 3 <= len(raw_options) <= 8:
            fail("options", "a choice item needs a list of 3 to 8 options")
        for number, raw_option in enumerate(raw_options, start=1):
            where = f"options[{number}]"
            if not isinstance(raw_option, dict):
                fail(where, "must be a mapping with id, text and feedback")
            option_id = raw_option.get("id")
            if not isinstance(option_id, str) or not OPTION_ID.match(option_id):
                fail(where + ".id", "must be one letter a to h")
            option = Option(
                id=option_id,
                text=_text(raw_option, "text", lambda f, m: fail(f"{where}.{f}", m)),
                feedback=_text(raw_option, "feedback", lambda f, m: fail(f"{where}.{f}", m)),
            )
            if any(existing.id == option.id for existing in options):
                fail(where + ".id", f"option id {option.id!r} is used twice")
            options.append(option)
        raw_key = raw.get("key")
        key_list = [raw_key] if isinstance(raw_key, str) else raw_key
        if not isinstance(key_list, list) or not key_list:
            fail("key", "must name the correct option id (or a list of ids for multiple select)")
        key = frozenset(key_list)
        missing = sorted(key - {option.id for option in options})
        if missing:
            fail("key", f"{', '.join(map(repr, missing))} is not one of the option ids")
        if kind is Kind.SINGLE and len(key) != 1:
            fail("key", "a single-choice item has exactly one correct option")
        if kind is Kind.MULTIPLE and len(key) == len(options):
            fail("key", "a multiple-select item needs at least one option outside the key")
        points = _points(raw.get("points", 1), "points", fail)
        if "rubric" in raw:
            fail("rubric", "only reflections carry a rubric")
    else:
        if "options" in raw or "key" in raw:
            fail("options" if "options" in raw else "key", "a reflection has no options or key")
        raw_rubric = raw.get("rubric")
        if not isinstance(raw_rubric, list) or not raw_rubric:
            fail("rubric", "a reflection needs a rubric: a list of criterion and points")
        for number, raw_criterion in enumerate(raw_rubric, start=1):
            where = f"rubric[{number}]"
            if not isinstance(raw_criterion, dict):
                fail(where, "must be a mapping with criterion and points")
            criterion_points = _points(raw_criterion.get("points"), where + ".points", fail)
            rubric.append(RubricCriterion(
                criterion=_text(raw_criterion, "criterion", lambda f, m: fail(f"{where}.{f}", m)),
                points=criterion_points,
                levels=_levels(raw_criterion.get("levels"), criterion_points, where, fail),
            ))
        points = sum(criterion.points for criterion in rubric)
        if "points" in raw and _points(raw["points"], "points", fail) != points:
            fail("points", f"must equal the rubric total {points:g}")

    return Vignette(
        id=values["id"], domain=values["domain"], title=values["title"],
        scenario=values["scenario"], question=values["question"], kind=kind,
        points=points, rationale=values["rationale"], code_section=values["code_section"],
        content_notes=tuple(notes), options=tuple(options), key=key,
        rubric=tuple(rubric), clauses=tuple(clauses), area=area, enemies=tuple(enemies),
        angoff=float(angoff) if angoff is not None else None, retired=retired.strip(),
    )


def load_bank_file(path: Path | str) -> list[Vignette]:
    """Read one bank file (a YAML mapping with an ``items`` list)."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise BankError(path, f"is not valid YAML: {getattr(error, 'problem', error)}",
                        line=mark.line + 1 if mark else None) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BankError(path, f"cannot be read: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items", document.get("cases")), list):
        raise BankError(path, "must be a mapping with an 'items' list (or a 'cases' list of case sets)")
    unknown = sorted(set(document) - {"items", "cases"})
    if unknown:
        raise BankError(path, f"{unknown[0]!r} is not a bank file section (known: items, cases)")
    items = [_parse_item(raw, path) for raw in document.get("items") or []]
    for raw in document.get("cases") or []:
        items.extend(_parse_case(raw, path))
    return items


def _parse_case(raw: Any, path: Path) -> list[Vignette]:
    """A case set: the shared scenario's fields are given once and every part inherits them."""
    case_id, fail = _opened(raw, path, "case", CASE_FIELDS, "case")
    if not case_id or not CASE_ID.match(case_id):
        fail("id", "must look like 'case-scope-01' (case, domain word, two digits)")
    parts = raw.get("parts")
    if not isinstance(parts, list) or not 2 <= len(parts) <= 4:
        fail("parts", "a case set has two to four parts (linked questions)")
    shared = {field: raw[field] for field in CASE_FIELDS - {"id", "parts"} if field in raw}
    vignettes = []
    for number, part in enumerate(parts, start=1):
        if not isinstance(part, _Mapping):
            fail(f"parts[{number}]", "must be a mapping of field: value")
        clash = sorted(set(part) & set(shared))
        if clash:
            fail(f"parts[{number}].{clash[0]}", "is given once for the whole case, not per part")
        merged = _Mapping({**shared, **part})
        merged.line = part.line
        vignette = _parse_item(merged, path)
        if vignette.kind is Kind.REFLECTION:
            fail(f"parts[{number}]", "the parts of a case set are choices (a reflection stands alone)")
        vignettes.append(replace(vignette, case=case_id, part=number, parts=len(parts)))
    return vignettes


def load_bank(directory: Path | str) -> dict[str, Vignette]:
    """Read every ``*.yaml`` file of a bank directory; item ids are unique across files."""
    directory = Path(directory)
    files: Iterable[Path] = sorted(directory.glob("*.yaml"))
    bank: dict[str, Vignette] = {}
    seen_in: dict[str, Path] = {}
    for path in files:
        for vignette in load_bank_file(path):
            if vignette.id in bank:
                raise BankError(path, f"id is already used in {seen_in[vignette.id]}",
                                item=vignette.id, field="id")
            bank[vignette.id] = vignette
            seen_in[vignette.id] = path
    if not bank:
        raise BankError(directory, "holds no *.yaml bank files")
    return bank
