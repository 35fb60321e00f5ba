"""Pseudonyms for reports: "Trainee 7F3A" instead of a name, the same every time.

A pseudonym is the start of a keyed hash (HMAC-SHA-256) of the name under a salt. The same
name and salt always give the same pseudonym, so plots made on different days agree; a
different salt gives unrelated pseudonyms. Anyone who knows the salt can test guesses of
names, so a salt meant to keep names private must be kept private too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable

__all__ = ["DIGITS", "LONG_DIGITS", "pseudonym", "pseudonymise"]

#: Hex digits in a pseudonym.
DIGITS = 4
#: Hex digits for names whose short pseudonyms collide.
LONG_DIGITS = 16


def pseudonym(name: str, salt: str, *, prefix: str = "Trainee", digits: int = DIGITS) -> str:
    """The pseudonym of ``name``: ``prefix`` and the first ``digits`` hex digits of its hash."""
    digest = hmac.new(salt.encode("utf-8"), name.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix} {digest[:digits].upper()}"


def pseudonymise(names: Iterable[str], salt: str, *, prefix: str = "Trainee") -> dict[str, str]:
    """A distinct pseudonym for every name.

    The rare names whose short pseudonyms collide within ``names`` get :data:`LONG_DIGITS`
    digits instead, so no two trainees ever share a pseudonym.
    """
    unique = sorted(set(names))
    short = {name: pseudonym(name, salt, prefix=prefix) for name in unique}
    counts = Counter(short.values())
    return {name: short[name] if counts[short[name]] == 1
            else pseudonym(name, salt, prefix=prefix, digits=LONG_DIGITS) for name in unique}
