"""Case sets without local dependence: no later part's text echoes an earlier part's key.

A case set's parts are scored separately, so each must be answerable on its own merits: a
later part that says what the coach did in an earlier one ("Rosalind helps Efua get through
to the 24-hour line...") hands the earlier key to anyone who reads ahead. :func:`key_echoes`
is the tripwire for the textual kind of give-away: it compares the words of each earlier
part's key option that the shared scenario does not already use (its *distinctive* words)
with the words of every later part's question and options, after light normalisation
(lower case, common stop words dropped, common suffixes stripped so "declined" meets
"decline" and "supervisor" meets "supervision"). A later part that shares at least
:data:`ECHO_WORDS` of them, and at least :data:`ECHO_SHARE` of them, is an echo. A paraphrase
with none of the key's words passes, so authors still read later parts against earlier keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trainingkit.bank.model import Vignette

#: The fewest shared distinctive words that make an echo, and the least share of the key's.
ECHO_WORDS = 2
ECHO_SHARE = 0.25

STOP_WORDS = frozenset("""
a about after again all an and any are as at be been before being both but by can could did do
does each every few for from had has have he her here him his how i if in into is it its just
may me might more most must my no not now of on once only or other our out over own same she
shall should since so some such than that the their them then there these they this those to
too under up us very was we were what when where which who whom whose why will with would you
your
""".split())
SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ors", "or", "ers", "er", "edly", "ed", "es",
            "e", "s", "ly")


def _stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[:-len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """The normalised words of ``text`` that carry meaning (no stop words, none under three letters)."""
    return frozenset(_stem(word) for word in re.findall(r"[a-z0-9]+", text.lower())
                     if word not in STOP_WORDS and len(word) > 2)


@dataclass(frozen=True)
class Echo:
    """A later part of a case set whose text repeats an earlier part's key."""

    case: str
    earlier: str
    later: str
    shared: tuple[str, ...]
    key_words: int

    def __str__(self) -> str:
        return (f"{self.case}: {self.later} repeats {len(self.shared)} of the {self.key_words} distinctive words "
                f"of {self.earlier}'s key ({', '.join(self.shared)}); say what happens next without saying "
                f"what the coach chose")


def case_sets(bank: Iterable[Vignette]) -> dict[str, tuple[Vignette, ...]]:
    """Each case set's parts, in order."""
    parts: dict[str, list[Vignette]] = {}
    for vignette in bank:
        if vignette.case:
            parts.setdefault(vignette.case, []).append(vignette)
    return {case: tuple(sorted(found, key=lambda v: v.part)) for case, found in sorted(parts.items())}


def key_echoes(bank: Mapping[str, Vignette] | Iterable[Vignette]) -> list[Echo]:
    """Every later part whose question or options repeat an earlier part's key (empty when none do)."""
    vignettes = bank.values() if isinstance(bank, Mapping) else bank
    echoes = []
    for case, parts in case_sets(vignettes).items():
        scenario = content_words(parts[0].scenario)
        for number, earlier in enumerate(parts):
            key = frozenset().union(*(content_words(o.text) for o in earlier.options if o.id in earlier.key))
            distinctive = key - scenario
            for later in parts[number + 1:]:
                shown = content_words(" ".join([later.question, *(o.text for o in later.options)]))
                shared = distinctive & shown
                if len(shared) >= ECHO_WORDS and len(shared) >= ECHO_SHARE * len(distinctive):
                    echoes.append(Echo(case, earlier.id, later.id, tuple(sorted(shared)), len(distinctive)))
    return echoes
