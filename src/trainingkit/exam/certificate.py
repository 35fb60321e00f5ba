"""Certificates for coaches who pass the ethics review, and the office's check of them.

A certificate is a one-page PDF (name, coach id, cycle, date, form, score against the
form's cut score) with a verification code. The code carries the certified facts and a
keyed hash (HMAC-SHA256) of them under the course's secret, so
``trainingkit certificate verify CODE`` tells the office whether the certificate is genuine
and what it certifies: a forged code, or one whose facts were altered, fails. The secret
is ``TRAININGKIT_CERTIFICATE_SECRET`` or, failing that, ``coursework/.certificate-secret``
(made on first use, readable by its owner only). Issuing also gives the ``review`` event line
for the renewal log, its score on the office's scale.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from trainingkit.answers import write_atomically

SECRET_ENV = "TRAININGKIT_CERTIFICATE_SECRET"
SECRET_FILE = ".certificate-secret"
COACH_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
CODE = re.compile(r"^TK-(?P<coach>[A-Za-z0-9_-]{1,32})-C(?P<cycle>\d{1,3})-(?P<date>\d{8})-"
                  r"S(?P<score>\d{1,4})-K(?P<cut>\d{1,4})-(?P<mac>[A-Z2-7]{16})$")


class CertificateError(ValueError):
    """A certificate cannot be issued as asked; the message says why."""


@dataclass(frozen=True)
class Certificate:
    """What a certificate certifies. Scores are percentages with one decimal."""

    coach_id: str
    name: str
    cycle: int
    date: dt.date
    score: float
    cut_score: float

    @property
    def passed(self) -> bool:
        return self.score >= self.cut_score

    def facts(self) -> str:
        return (f"TK-{self.coach_id}-C{self.cycle}-{self.date:%Y%m%d}-S{round(self.score * 10)}"
                f"-K{round(self.cut_score * 10)}")


def course_secret(coursework: Path) -> bytes:
    """The course's certificate secret, made (0600) on first use when no environment variable names one."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV].encode()
    path = coursework / SECRET_FILE
    if not path.exists():
        write_atomically(path, secrets.token_hex(32) + "\n")
    return path.read_text().strip().encode()


def _mac(facts: str, secret: bytes) -> str:
    digest = hmac.new(secret, facts.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:16]


def verification_code(certificate: Certificate, secret: bytes) -> str:
    return f"{certificate.facts()}-{_mac(certificate.facts(), secret)}"


@dataclass(frozen=True)
class Verification:
    """What a verification code says, and whether it is genuine."""

    genuine: bool
    coach_id: str = ""
    cycle: int = 0
    date: str = ""
    score: float = 0.0
    cut_score: float = 0.0
    reason: str = ""


def verify(code: str, secret: bytes) -> Verification:
    """Whether ``code`` was issued under ``secret``, and the facts it certifies."""
    code = code.strip()
    match = CODE.match(code)
    if not match:
        return Verification(False, reason="not a trainingkit verification code")
    facts = code.rsplit("-", 1)[0]
    if not hmac.compare_digest(_mac(facts, secret), match["mac"]):
        return Verification(False, reason="the code does not match its facts: forged or altered")
    date = match["date"]
    return Verification(True, match["coach"], int(match["cycle"]), f"{date[:4]}-{date[4:6]}-{date[6:]}",
                        int(match["score"]) / 10, int(match["cut"]) / 10)


def review_event(certificate: Certificate, pass_mark: float = 80.0) -> str:
    """The renewal log's line for this result (``coach_id,date,event,supervisor,hours,score,outcome``).

    The score is on the office's scale (:func:`~trainingkit.renewal.gradebook.on_office_scale`),
    where this form's cut score counts as the renewal rules' pass mark.
    """
    from trainingkit.renewal.gradebook import on_office_scale

    score = on_office_scale(certificate.score, certificate.cut_score, pass_mark)
    return f"{certificate.coach_id},{certificate.date.isoformat()},review,,,{score:g},"


def write_pdf(certificate: Certificate, code: str, path: Path) -> None:
    """A one-page A4 certificate, written atomically."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    if not certificate.passed:
        raise CertificateError(f"{certificate.coach_id} scored {certificate.score:g}%, below the cut score "
                               f"{certificate.cut_score:g}%: no certificate")
    figure = Figure(figsize=(8.27, 11.69))
    lines = [
        (0.86, 22, "bold", "Certificate of completion"),
        (0.80, 14, "normal", "Ethics review course for Certified Trauma Recovery Coaches"),
        (0.66, 12, "normal", "This certifies that"),
        (0.60, 24, "bold", certificate.name),
        (0.55, 12, "normal", f"(coach {certificate.coach_id})"),
        (0.46, 12, "normal", f"passed the ethics review of renewal cycle {certificate.cycle} "
                             f"on {certificate.date:%d %B %Y}"),
        (0.41, 12, "normal", f"form of cycle {certificate.cycle}: score {certificate.score:g}% "
                             f"against a cut score of {certificate.cut_score:g}%"),
        (0.22, 10, "normal", "Verification code (checked by the certification office with"),
        (0.19, 10, "normal", "trainingkit certificate verify CODE):"),
        (0.15, 11, "bold", code),
    ]
    for y, size, weight, text in lines:
        figure.text(0.5, y, text, ha="center", va="center", fontsize=size, fontweight=weight)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", metadata={"Title": f"Ethics review certificate {certificate.coach_id}",
                                                   "Creator": "trainingkit"})
    write_atomically(path, buffer.getvalue())
