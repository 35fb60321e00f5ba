"""Assignments as data: which vignettes each nbgrader assignment holds and how it gives feedback."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from trainingkit.bank.model import DOMAINS, Kind, Vignette

ASSIGNMENT_ID = re.compile(r"^[a-z][a-z0-9-]*$")
DEFAULT_PASS_MARK = 80.0


class FeedbackMode(str, Enum):
    """What returned feedback reveals."""

    #: Practice: the best answer, why, and feedback on the chosen option.
    PRACTICE = "practice"
    #: Review (the renewal course): items and code sections to revisit, never the key.
    REVIEW = "review"


class AssignmentError(ValueError):
    """The assignments file is wrong; the message names file, assignment and field."""


@dataclass(frozen=True)
class FormDraw:
    """How a review form is drawn from the bank for one renewal cycle.

    Each domain's pool (choice items no practice assignment uses) is shuffled once
    with ``seed``; cycle ``n`` takes the ``per_domain`` items that start at position
    ``n * per_domain``, wrapping round. The same seed and cycle always give the same
    form, and consecutive cycles share no item while a pool holds at least
    ``2 * per_domain`` items (checked when the file is read).
    """

    per_domain: int
    seed: int
    cycle: int


def draw_form(bank: Mapping[str, Vignette], pools: Mapping[str, list[str]], draw: FormDraw) -> tuple[str, ...]:
    """The item ids of one cycle's form, domain by domain."""
    items: list[str] = []
    for domain in sorted(pools):
        pool = sorted(pools[domain])
        random.Random(f"{draw.seed}:{domain}").shuffle(pool)
        start = (draw.cycle * draw.per_domain) % len(pool)
        items.extend((pool + pool)[start:start + draw.per_domain])
    return tuple(items)


def review_pools(bank: Mapping[str, Vignette], practice_items: set[str]) -> dict[str, list[str]]:
    """Per domain, the choice items kept for review forms: those no practice assignment shows."""
    pools: dict[str, list[str]] = {}
    for vignette in bank.values():
        if vignette.kind.is_choice and vignette.id not in practice_items:
            pools.setdefault(vignette.domain, []).append(vignette.id)
    return pools


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment built from the bank."""

    id: str
    title: str
    feedback: FeedbackMode
    items: tuple[str, ...]
    introduction: str = ""
    pass_mark: float | None = None
    draw: FormDraw | None = None

    def vignettes(self, bank: Mapping[str, Vignette]) -> list[Vignette]:
        """The assignment's vignettes in the order trainees meet them: choices, then reflections."""
        chosen = [bank[item] for item in self.items]
        return ([v for v in chosen if v.kind is not Kind.REFLECTION]
                + [v for v in chosen if v.kind is Kind.REFLECTION])

    def automatic_points(self, bank: Mapping[str, Vignette]) -> float:
        return sum(v.points for v in self.vignettes(bank) if v.kind.is_choice)


def _parse(raw: Any, path: Path, bank: Mapping[str, Vignette]) -> Assignment:
    name = raw.get("id") if isinstance(raw, dict) else None

    def fail(field: str, message: str) -> None:
        raise AssignmentError(f"{path}: assignment {name!r}: field {field!r}: {message}")

    if not isinstance(raw, dict):
        raise AssignmentError(f"{path}: each assignment must be a mapping")
    if not isinstance(name, str) or not ASSIGNMENT_ID.match(name):
        fail("id", "must be lower-case words joined by dashes, e.g. practice-foundations")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", "must be non-empty text")
    try:
        mode = FeedbackMode(raw.get("feedback", "practice"))
    except ValueError:
        fail("feedback", "must be practice or review")
    items = raw.get("items")
    draw = None
    if "draw" in raw:
        spec = raw["draw"]
        if "items" in raw:
            fail("draw", "an assignment either lists items or draws them, not both")
        if not isinstance(spec, dict) or set(spec) != {"per_domain", "seed", "cycle"} or not all(
                isinstance(spec[k], int) and not isinstance(spec[k], bool) for k in spec):
            fail("draw", "must be a mapping of whole numbers per_domain, seed and cycle")
        if spec["per_domain"] < 1 or spec["cycle"] < 1:
            fail("draw", "per_domain and cycle must be at least 1")
        draw = FormDraw(spec["per_domain"], spec["seed"], spec["cycle"])
        items = ["(drawn)"]
    elif not isinstance(items, list) or not items:
        fail("items", "must list the vignette ids the assignment holds")
    for item in items if draw is None else ():
        if item not in bank:
            fail("items", f"{item!r} is not in the bank")
    if len(set(items)) != len(items):
        fail("items", "lists a vignette twice")
    pass_mark = raw.get("pass_mark", DEFAULT_PASS_MARK if mode is FeedbackMode.REVIEW else None)
    if pass_mark is not None and (isinstance(pass_mark, bool) or not isinstance(pass_mark, (int, float))
                                  or not 0 < pass_mark <= 100):
        fail("pass_mark", "must be a percentage above 0 and at most 100")
    return Assignment(id=name, title=title.strip(), feedback=mode, items=tuple(items),
                      introduction=str(raw.get("introduction", "")).strip(),
                      pass_mark=float(pass_mark) if pass_mark is not None else None, draw=draw)


def load_assignments(path: Path | str, bank: Mapping[str, Vignette]) -> dict[str, Assignment]:
    """Read and check every assignment of the course against the bank."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AssignmentError(f"{path}: cannot be read: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("assignments"), list):
        raise AssignmentError(f"{path}: must be a mapping with an 'assignments' list")
    assignments: dict[str, Assignment] = {}
    for raw in document["assignments"]:
        assignment = _parse(raw, path, bank)
        if assignment.id in assignments:
            raise AssignmentError(f"{path}: assignment {assignment.id!r} is defined twice")
        assignments[assignment.id] = assignment
    practice = {item for a in assignments.values() if a.draw is None for item in a.items}
    pools = review_pools(bank, practice)
    for assignment in list(assignments.values()):
        if assignment.draw is None:
            continue
        short = sorted(d for d, pool in pools.items() if len(pool) < 2 * assignment.draw.per_domain)
        if short or len(pools) < len(DOMAINS):
            raise AssignmentError(
                f"{path}: assignment {assignment.id!r}: field 'draw': every domain needs at least "
                f"{2 * assignment.draw.per_domain} choice items that no practice assignment uses "
                f"(short: {', '.join(short) or 'a domain has none'})")
        assignments[assignment.id] = replace(assignment, items=draw_form(bank, pools, assignment.draw))
    return assignments
