"""Certificates: facts refused when they must not be certified, the PDF, and the renewal log line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trainingkit.exam.certificate import CertificateError, certified_facts, review_event, write_pdf

FIXED = dt.date(2026, 11, 29)
TODAY = dt.date(2026, 12, 5)


def _facts(**changes):
    given = dict(coach_id="C042", name="Ada Okafor", cycle=1, score=84.5, cut_score=71.3, passed_on=FIXED,
                 form_fixed_on=FIXED, next_form_fixed_on=None, today=TODAY)
    return certified_facts(**{**given, **changes})


def test_a_pass_is_certified_for_the_two_year_cycle() -> None:
    """A pass gives the facts, valid through the last day of the two-year cycle."""
    facts = _facts()
    assert (facts.name, facts.score, facts.valid_until) == ("Ada Okafor", 84.5, dt.date(2028, 11, 29))


def test_the_pass_decision_is_on_unrounded_numbers() -> None:
    """72.06 against a cut score of 72.1 fails, though it would round to 72.1."""
    with pytest.raises(CertificateError, match="72.06%, below the cut score 72.1%"):
        _facts(score=72.06, cut_score=72.1)
    assert _facts(score=72.1, cut_score=72.1).passed


@pytest.mark.parametrize(("changes", "message"), [
    ({"score": float("nan")}, "not a percentage"),
    ({"score": float("inf")}, "not a percentage"),
    ({"score": 101.0}, "not a percentage"),
    ({"name": "   "}, "name to print is empty"),
    ({"name": "Ada\x00"}, "control characters"),
    ({"coach_id": "C 042"}, "coach id"),
    ({"passed_on": dt.date(2099, 1, 1)}, "after today"),
    ({"passed_on": dt.date(2001, 1, 1)}, "before cycle 1's form was fixed"),
    ({"next_form_fixed_on": dt.date(2026, 11, 30), "passed_on": dt.date(2026, 12, 1)}, "replaced"),
    ({"score": 60.0}, "below the cut score"),
])
def test_bad_input_is_refused_with_a_clear_message(changes, message) -> None:
    """NaN, an empty name, dates outside the form's time and a fail are each refused, saying which."""
    with pytest.raises(CertificateError, match=message):
        _facts(**changes)


def test_a_name_is_printed_with_single_spaces() -> None:
    """Spaces around and inside a name are tidied before it is signed."""
    assert _facts(name="  Ada   Okafor ").name == "Ada Okafor"


def test_the_pdf_is_written(tmp_path: Path) -> None:
    """A pass gets a one-page PDF."""
    write_pdf(_facts(), code="TK-AAAA-BBBB-CCCC", issuer_name="Board", check_at="https://x.example/c.json",
              path=tmp_path / "c.pdf")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")


def test_the_review_event_line_carries_the_score_and_the_forms_cut_score_as_certified() -> None:
    """Issuing gives the renewal log's review line with the very score, cut score and form it signs: no rescaling."""
    facts = _facts()
    assert review_event(facts) == f"C042,2026-11-29,review,,,{facts.score:g},,{facts.cut_score:g},cycle-{facts.cycle}"
