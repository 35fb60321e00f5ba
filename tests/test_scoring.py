"""Scoring rules: single choice, net-correct multiple select."""

import pytest

from trainingkit.bank.model import Kind, Option, Vignette
from trainingkit.scoring import score_choice


def _vignette(kind: Kind, key: set[str], points: float = 2.0) -> Vignette:
    options = tuple(Option(letter, f"option {letter}", "why") for letter in "abcd")
    return Vignette(id="test-001", domain="scope", title="t", scenario="s", question="q", kind=kind,
                    points=points, rationale="r", code_section="Code of Ethics > Confidentiality",
                    options=options, key=frozenset(key))


def test_the_key_earns_full_points() -> None:
    """Choosing the key of a single-choice item earns all its points."""
    assert score_choice(_vignette(Kind.SINGLE, {"c"}, 1), "c").earned == 1


def test_a_wrong_choice_earns_nothing() -> None:
    """Any other option earns zero."""
    assert score_choice(_vignette(Kind.SINGLE, {"c"}, 1), "a").earned == 0


def test_no_answer_earns_nothing() -> None:
    """An unanswered item earns zero and is marked unanswered."""
    result = score_choice(_vignette(Kind.SINGLE, {"c"}), None)
    assert result.earned == 0 and not result.answered


@pytest.mark.parametrize(("chosen", "earned"), [
    (["a", "c"], 2.0),        # the whole key
    (["a"], 1.0),             # half the key
    (["a", "b"], 0.0),        # one right, one wrong
    (["a", "c", "b"], 1.0),   # two right, one wrong
    (["a", "b", "c", "d"], 0.0),  # everything: two right, two wrong
    (["b", "d"], 0.0),        # floored at zero
])
def test_multiple_select_earns_net_correct_credit(chosen: list[str], earned: float) -> None:
    """Each right choice earns a share of the points, each wrong one takes a share away, floored at 0."""
    assert score_choice(_vignette(Kind.MULTIPLE, {"a", "c"}), chosen).earned == earned


def test_an_unknown_option_earns_nothing_and_says_why() -> None:
    """A recorded option that the question does not have scores zero with a note."""
    result = score_choice(_vignette(Kind.SINGLE, {"c"}), "z")
    assert result.earned == 0 and "not an option" in result.problem


def test_a_reflection_is_not_scored_automatically() -> None:
    """Asking to score a reflection is an error: supervisors grade reflections."""
    reflection = Vignette(id="test-002", domain="scope", title="t", scenario="s", question="q",
                          kind=Kind.REFLECTION, points=5, rationale="r",
                          code_section="Code of Ethics > Confidentiality")
    with pytest.raises(ValueError, match="supervisor"):
        score_choice(reflection, "some text")
