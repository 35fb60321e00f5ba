"""Test banks and blueprints for the exam machinery: small, exact, and made to break."""

from __future__ import annotations

import random

from trainingkit.bank.model import Kind, Option, Vignette
from trainingkit.exam.blueprint import Area, Blueprint


def item(item_id: str, area: str, *, angoff: float = 0.7, kind: Kind = Kind.SINGLE, enemies: tuple[str, ...] = (),
         retired: str = "", clauses: tuple[str, ...] = ()) -> Vignette:
    options = tuple(Option(letter, f"option {letter}", "feedback") for letter in "abcd")
    return Vignette(id=item_id, domain="scope", title=item_id, scenario="s", question="q", kind=kind,
                    points=2.0 if kind is Kind.MULTIPLE else 1.0, rationale="r", code_section="Code of Ethics > Confidentiality", options=options,
                    key=frozenset({"a"}) if kind is Kind.SINGLE else frozenset({"a", "b"}), area=area,
                    enemies=enemies, angoff=angoff, retired=retired, clauses=clauses)


def make_bank(per_area: dict[str, int], seed: int = 1) -> dict[str, Vignette]:
    """``per_area[area]`` single-choice items per area, with ratings spread around 0.7."""
    rng = random.Random(seed)
    bank = {}
    for area, count in per_area.items():
        for n in range(1, count + 1):
            bank[f"{area}-{n:03d}"] = item(f"{area}-{n:03d}", area, angoff=round(rng.uniform(0.55, 0.85), 2))
    return bank


def blueprint(areas: dict[str, tuple[int, int]], items: int, **rules) -> Blueprint:
    return Blueprint(items=items, kinds={}, areas=tuple(Area(a, a.title(), "Code of Ethics > Confidentiality", lo, hi)
                                                       for a, (lo, hi) in areas.items()), **rules)
