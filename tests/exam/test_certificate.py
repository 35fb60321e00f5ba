"""Certificates: a genuine code verifies; a forged or altered one does not."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from trainingkit.exam.certificate import (Certificate, CertificateError, course_secret, review_event, verify,
                                          verification_code, write_pdf)

SECRET = b"course secret"
PASSED = Certificate("C042", "Ada Okafor", 3, dt.date(2026, 11, 29), 84.5, 71.3)


def test_a_genuine_code_verifies_and_states_its_facts() -> None:
    """The code of an issued certificate verifies and gives back coach, cycle, date, score and cut score."""
    result = verify(verification_code(PASSED, SECRET), SECRET)
    assert result.genuine and (result.coach_id, result.cycle, result.date, result.score, result.cut_score) == (
        "C042", 3, "2026-11-29", 84.5, 71.3)


@pytest.mark.parametrize("change", [
    lambda code: code.replace("-S845-", "-S945-"),      # a better score
    lambda code: code.replace("-C3-", "-C4-"),          # another cycle
    lambda code: code.replace("C042", "C043"),          # another coach
    lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # a guessed check
])
def test_an_altered_code_fails(change) -> None:
    """Changing any fact of a code, or its check, makes it fail."""
    assert not verify(change(verification_code(PASSED, SECRET)), SECRET).genuine


def test_a_code_made_with_another_secret_fails() -> None:
    """A forger without the course's secret cannot make a code that verifies."""
    assert not verify(verification_code(PASSED, b"guessed"), SECRET).genuine
    assert verify("hello", SECRET).reason == "not a trainingkit verification code"


def test_the_pdf_is_written_and_a_fail_gets_none(tmp_path: Path) -> None:
    """A pass gets a one-page PDF naming the coach; a score under the cut score gets no certificate."""
    write_pdf(PASSED, verification_code(PASSED, SECRET), tmp_path / "c.pdf")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    failed = Certificate("C7", "Bo", 3, dt.date(2026, 11, 29), 60.0, 71.3)
    with pytest.raises(CertificateError, match="below the cut score"):
        write_pdf(failed, "code", tmp_path / "f.pdf")
    assert not (tmp_path / "f.pdf").exists()


def test_the_secret_file_is_made_private_once(tmp_path: Path, monkeypatch) -> None:
    """Without the environment variable, the course's secret is made once, readable by its owner only."""
    monkeypatch.delenv("TRAININGKIT_CERTIFICATE_SECRET", raising=False)
    first = course_secret(tmp_path)
    assert course_secret(tmp_path) == first
    assert stat.S_IMODE((tmp_path / ".certificate-secret").stat().st_mode) == 0o600


def test_the_review_event_line_fits_the_renewal_log_on_the_office_scale() -> None:
    """Issuing gives the review line of the renewal log, its score scaled so the cut score is the pass mark."""
    assert review_event(PASSED) == "C042,2026-11-29,review,,,89.2,"
