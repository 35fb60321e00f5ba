"""Item-writing cues: wording that points to the key without knowledge of the Code.

A test-wise reader learns that options with absolute words ("always", "never", "any",
"must"...) are usually wrong. When every distractor of an item carries one and the key carries
none, the item can be answered by that alone. :func:`absolute_cues` names every such item;
one or two absolute distractors are fine, since the Code itself has absolute rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trainingkit.bank.model import Vignette

#: Words and phrases that make an option absolute (matched as whole words, any case).
ABSOLUTE_WORDS: tuple[str, ...] = (
    "always", "never", "any", "anyone", "anything", "every", "everyone", "everything", "all", "none",
    "nothing", "nobody", "no one", "must", "only", "forbid", "forbids", "forbidden", "entirely",
    "completely", "automatically", "for good", "no say", "under no", "whatever",
)
_ABSOLUTE = re.compile(r"\b(" + "|".join(re.escape(word) for word in ABSOLUTE_WORDS) + r")\b", re.IGNORECASE)


def absolute_words(text: str) -> tuple[str, ...]:
    """The absolute words in ``text``, lower case, in order of appearance."""
    return tuple(match.group(1).lower() for match in _ABSOLUTE.finditer(text))


@dataclass(frozen=True)
class AbsoluteCue:
    """An item whose every distractor carries an absolute word and whose key carries none."""

    item: str
    words: Mapping[str, tuple[str, ...]]  # {distractor id: its absolute words}

    def __str__(self) -> str:
        found = "; ".join(f"{option}) {', '.join(words)}" for option, words in sorted(self.words.items()))
        return (f"{self.item}: every distractor has an absolute word and the key has none ({found}); "
                "reword a distractor or two so the key cannot be found by its wording alone")


def absolute_cues(bank: Mapping[str, Vignette] | Iterable[Vignette]) -> list[AbsoluteCue]:
    """Every choice item a reader could answer by avoiding absolute words (empty when none)."""
    vignettes = bank.values() if isinstance(bank, Mapping) else bank
    cues = []
    for vignette in vignettes:
        if not vignette.kind.is_choice or not vignette.key:
            continue
        distractors = {o.id: absolute_words(o.text) for o in vignette.options if o.id not in vignette.key}
        key_has = any(absolute_words(o.text) for o in vignette.options if o.id in vignette.key)
        if len(distractors) > 1 and not key_has and all(distractors.values()):
            cues.append(AbsoluteCue(vignette.id, distractors))
    return sorted(cues, key=lambda cue: cue.item)
