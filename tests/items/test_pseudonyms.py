"""Stable pseudonyms instead of names."""

from __future__ import annotations

import re

from trainingkit.items.pseudonyms import LONG_DIGITS, pseudonym, pseudonymise


def test_a_name_always_gets_the_same_pseudonym() -> None:
    """The same name and salt give the same "Trainee XXXX" pseudonym every time."""
    first = pseudonym("Ada Lovelace", "course-salt")
    assert re.fullmatch(r"Trainee [0-9A-F]{4}", first)
    assert pseudonym("Ada Lovelace", "course-salt") == first
    assert pseudonymise(["Ada Lovelace", "Ben"], "course-salt")["Ada Lovelace"] == first


def test_another_salt_gives_another_pseudonym() -> None:
    """Changing the salt changes the pseudonyms, so a private salt keeps names private."""
    assert pseudonym("Ada Lovelace", "one salt") != pseudonym("Ada Lovelace", "another salt")


def test_no_two_trainees_share_a_pseudonym() -> None:
    """Among 2,000 names some short pseudonyms collide; those names get longer, distinct ones."""
    names = [f"trainee-{n}" for n in range(2000)]
    mapping = pseudonymise(names, "salt")
    assert len(set(mapping.values())) == len(names)
    lengths = {len(value) for value in mapping.values()}
    assert lengths == {len("Trainee 0000"), len("Trainee ") + LONG_DIGITS}
