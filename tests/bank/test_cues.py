"""Item-writing cues: an item answerable by avoiding absolute words is named."""

from __future__ import annotations

from trainingkit.bank import load_bank
from trainingkit.bank.cues import absolute_cues, absolute_words
from trainingkit.bank.model import Kind, Option, Vignette
from trainingkit.course import Course


def _item(*texts: str, key: str = "a") -> Vignette:
    options = tuple(Option(letter, text, "f") for letter, text in zip("abcd", texts, strict=False))
    return Vignette(id="dual-990", domain="dual", title="t", scenario="s", question="q", kind=Kind.SINGLE, points=1,
                    rationale="r", code_section="Code of Ethics > Dual Relationships", options=options,
                    key=frozenset({key}))


def test_the_real_bank_has_no_item_answerable_by_its_absolute_words(project: Course) -> None:
    """No shipped choice item has an absolute word in every distractor and none in its key."""
    assert [str(cue) for cue in absolute_cues(load_bank(project.bank_dir))] == []


def test_absolute_words_are_found_as_whole_words_in_any_case() -> None:
    """'Never', 'no one' and 'for good' count; 'nevertheless', 'company' and 'knowing' do not."""
    assert absolute_words("Never tell no one; it is for good.") == ("never", "no one", "for good")
    assert absolute_words("Nevertheless the company keeps knowing.") == ()


def test_every_distractor_absolute_and_a_plain_key_is_named_with_its_words() -> None:
    """Three absolute distractors beside a hedged key: the item and each distractor's words are named."""
    item = _item("It depends on local law.", "It must always be reported.", "Nothing may be said.",
                 "Only the client decides.")
    [cue] = absolute_cues([item])
    assert cue.item == "dual-990" and dict(cue.words) == {"b": ("must", "always"), "c": ("nothing",), "d": ("only",)}
    assert "every distractor has an absolute word and the key has none" in str(cue)


def test_one_plain_distractor_or_an_absolute_key_is_not_a_cue() -> None:
    """A distractor without an absolute word, or a key with one, leaves the wording no guide to the key."""
    assert absolute_cues([_item("It depends.", "It must be reported.", "Wait and see.", "Only she decides.")]) == []
    assert absolute_cues([_item("Never alone.", "It must be reported.", "Nothing may be said.", "Only she.")]) == []
