"""Case sets without local dependence: a later part that repeats an earlier part's key is caught."""

from __future__ import annotations

from dataclasses import replace

from trainingkit.bank import load_bank
from trainingkit.bank.cases import content_words, key_echoes
from trainingkit.bank.model import Kind, Option, Vignette
from trainingkit.course import Course

SCENARIO = "Rosalind's client Efua calls at night; she does not feel safe, and a 24-hour line exists."


def _part(item_id: str, number: int, question: str, key_text: str = "Keep coaching as usual.") -> Vignette:
    options = (Option("a", key_text, "f"), Option("b", "Wait until morning.", "f"), Option("c", "Say nothing.", "f"))
    return Vignette(id=item_id, domain="safety", title="t", scenario=SCENARIO, question=question, kind=Kind.SINGLE,
                    points=1, rationale="r", code_section="Code of Ethics > Client Safety", options=options,
                    key=frozenset({"a"}), case="case-safety-09", part=number, parts=2)


def test_the_real_bank_has_no_later_part_repeating_an_earlier_key(project: Course) -> None:
    """No part of any shipped case set repeats the key of a part before it."""
    assert [str(echo) for echo in key_echoes(load_bank(project.bank_dir))] == []


def test_a_later_stem_that_states_the_earlier_key_is_an_echo() -> None:
    """A part two saying the coach 'helped Efua get through and checked she connected' repeats part one's key.

    Part one's key has the distinctive words help, reach, through, check, connect (line and
    hour are the scenario's); part two shares help, through, check, connect: 4 of 5, above both limits.
    """
    first = _part("safety-491", 1, "What next?", "Help her reach the line now and check she is through and connected.")
    second = _part("safety-492", 2, "Rosalind helped Efua get through to the line and checked that she connected. "
                                    "Which part of the Code applies?")
    [echo] = key_echoes([first, second])
    assert (echo.earlier, echo.later, echo.key_words) == ("safety-491", "safety-492", 5)
    assert echo.shared == ("check", "connect", "help", "through")
    assert "safety-492 repeats 4 of the 5 distinctive words of safety-491's key" in str(echo)


def test_an_echo_in_a_later_option_counts_too() -> None:
    """A later part's options are read before answering as well, so they may not repeat the key either."""
    first = _part("safety-491", 1, "What next?", "Help her reach the line now and check she is through and connected.")
    second = replace(_part("safety-492", 2, "Which part of the Code applies?"),
                     options=(Option("a", "The rule to check a client got through and connected.", "f"),
                              Option("b", "Another rule.", "f"), Option("c", "A third rule.", "f")))
    assert [echo.later for echo in key_echoes([first, second])] == ["safety-492"]


def test_words_the_scenario_already_uses_are_no_echo() -> None:
    """Names and facts of the shared scenario (Efua, the 24-hour line) do not make a later part an echo."""
    first = _part("safety-491", 1, "What next?", "Give Efua the 24-hour line.")
    second = _part("safety-492", 2, "Next morning Efua mentions the 24-hour line again. What now?")
    assert key_echoes([first, second]) == []


def test_one_shared_word_is_no_echo() -> None:
    """A single common word ('report') in a later part is not enough to call it a give-away."""
    first = _part("safety-491", 1, "What next?", "No report is due for damage to property.")
    second = _part("safety-492", 2, "He is charged again. What should he report, and to whom?")
    assert key_echoes([first, second]) == []


def test_inflections_meet_after_normalisation() -> None:
    """'Declined warmly' meets 'decline warmly', and 'supervisor' meets 'supervision'."""
    assert content_words("declined warmly; her supervisor") == content_words("decline warm; the supervision")
