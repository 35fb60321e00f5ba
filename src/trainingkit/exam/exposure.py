"""Exposure over the pool: how often each item is used in a period, and which forms a coach may sit.

Pure functions over forms. The blueprint caps how many forms of one period
(:meth:`~trainingkit.exam.blueprint.Blueprint.period_of`) an item may be on
(:attr:`~trainingkit.exam.blueprint.Blueprint.exposure_limit`), and a coach never meets an item
twice across their sittings: :func:`forms_open_to` says which forms they may still sit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Set as AbstractSet
from typing import Protocol

from trainingkit.exam.blueprint import Blueprint


class _HasItems(Protocol):
    items: tuple[str, ...]


def item_uses(forms: Iterable[_HasItems]) -> Counter[str]:
    """How many of ``forms`` each item is on."""
    return Counter(item for form in forms for item in set(form.items))


def forms_open_to(met: AbstractSet[str], forms: Mapping[int, _HasItems]) -> list[int]:
    """The cycles whose form shares no item with ``met`` (the items a coach already met), in order.

    A coach who sat earlier forms (or whose sittings the register of sittings records) may sit only
    a form without any item they have seen, so no answer is remembered rather than reasoned.
    """
    return [cycle for cycle, form in sorted(forms.items()) if not met.intersection(form.items)]


def overexposed(forms: Mapping[int, _HasItems], blueprint: Blueprint) -> list[str]:
    """Each item on more of one period's forms than the blueprint allows, with the period and count."""
    problems = []
    periods = sorted({blueprint.period_of(cycle).start for cycle in forms})
    for start in periods:
        cycles = blueprint.period_of(start)
        uses = item_uses(form for cycle, form in forms.items() if cycle in cycles)
        problems += [f"{item} is on {count} forms of cycles {cycles.start}-{cycles.stop - 1}, more than the "
                     f"{blueprint.exposure_limit} ({blueprint.max_exposure:.0%} of {blueprint.period}) allowed"
                     for item, count in sorted(uses.items()) if count > blueprint.exposure_limit]
    return problems
