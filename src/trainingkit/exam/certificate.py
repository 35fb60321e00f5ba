"""Certificates for coaches who pass the ethics review: the checked facts, the PDF, the log line.

:func:`certified_facts` refuses what must not be certified (an empty name, a score that is not
a number, a day in the future, before the form was fixed or after the next form replaced it, a
score below the cut score, compared unrounded) with a message saying which. The credential
itself, signed and revocable, is :mod:`trainingkit.credentials`; the PDF shows its facts, its
verification code and where it can be checked. Issuing also gives the ``review`` event line
for the renewal log: the same score and cut score, and the form's id.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from trainingkit.credentials.model import COACH_ID, CertifiedFacts
from trainingkit.files import write_atomically
from trainingkit.renewal.cycle import cycle_starting_on
from trainingkit.renewal.settings import DEFAULT_RULES, RenewalRules

__all__ = ["CertificateError", "certified_facts", "review_event", "write_pdf"]


class CertificateError(ValueError):
    """A certificate cannot be issued as asked; the message says why."""


def certified_facts(*, coach_id: str, name: str, cycle: int, score: float, cut_score: float, passed_on: dt.date,
                    form_fixed_on: dt.date, next_form_fixed_on: dt.date | None, today: dt.date,
                    rules: RenewalRules = DEFAULT_RULES) -> CertifiedFacts:
    """The facts to certify, or :class:`CertificateError` naming what is wrong."""
    name = " ".join(name.split())
    if not COACH_ID.match(coach_id):
        raise CertificateError(f"coach id {coach_id!r} must be letters, digits, - or _ (at most 32)")
    if not name or not name.isprintable():
        raise CertificateError("the name to print is empty or holds control characters")
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise CertificateError(f"score {score!r} is not a percentage from 0 to 100")
    if passed_on > today:
        raise CertificateError(f"the date passed, {passed_on}, is after today ({today})")
    if passed_on < form_fixed_on:
        raise CertificateError(f"the date passed, {passed_on}, is before cycle {cycle}'s form was fixed "
                               f"({form_fixed_on}): that form was not given then")
    if next_form_fixed_on is not None and passed_on >= next_form_fixed_on:
        raise CertificateError(f"the date passed, {passed_on}, is after cycle {cycle + 1}'s form replaced "
                               f"cycle {cycle}'s on {next_form_fixed_on}")
    if score < cut_score:
        raise CertificateError(f"{coach_id} scored {score!r}%, below the cut score {cut_score!r}%: no certificate")
    return CertifiedFacts(coach_id, name, cycle, passed_on, score, cut_score,
                          cycle_starting_on(passed_on, rules).expires_on)


def review_event(facts: CertifiedFacts) -> str:
    """The renewal log's line for this result: the score and the form's cut score as certified, and the form.

    The line has the columns of :data:`trainingkit.renewal.events.EVENT_COLUMNS`, without its line break.
    """
    from trainingkit.exam.results import form_id
    from trainingkit.renewal.events import Event, EventKind
    from trainingkit.renewal.records import event_line

    return event_line(Event(facts.coach_id, facts.passed_on, EventKind.REVIEW, score=facts.score,
                            cut_score=facts.cut_score, form=form_id(facts.cycle))).rstrip("\n")


def write_pdf(facts: CertifiedFacts, *, code: str, issuer_name: str, check_at: str, path: Path) -> None:
    """A one-page A4 certificate showing the facts, the code and where to check it, written atomically."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    if not facts.passed:
        raise CertificateError(f"{facts.coach_id} scored {facts.score!r}%, below the cut score "
                               f"{facts.cut_score!r}%: no certificate")
    figure = Figure(figsize=(8.27, 11.69))
    lines = [
        (0.88, 22, "bold", "Certified Trauma Recovery Coach"),
        (0.83, 13, "normal", f"issued by {issuer_name}"),
        (0.70, 12, "normal", "This certifies that"),
        (0.64, 24, "bold", facts.name),
        (0.59, 12, "normal", f"(coach {facts.coach_id})"),
        (0.51, 12, "normal", f"passed the ethics review on {facts.passed_on:%d %B %Y} (form of renewal "
                             f"cycle {facts.cycle}),"),
        (0.47, 12, "normal", f"scoring {facts.score:g}% against a cut score of {facts.cut_score:g}%,"),
        (0.43, 12, "normal", f"and is certified from {facts.passed_on:%d %B %Y} through "
                             f"{facts.valid_until:%d %B %Y}."),
        (0.27, 11, "normal", "Verification code"),
        (0.23, 16, "bold", code),
        (0.17, 9, "normal", "This certificate is an Open Badges 3.0 credential, signed by the certification body."),
        (0.14, 9, "normal", f"Check it (and whether it was revoked) at {check_at}"),
        (0.11, 9, "normal", f"or with: trainingkit certificate verify {code} --published FOLDER"),
    ]
    for y, size, weight, text in lines:
        figure.text(0.5, y, text, ha="center", va="center", fontsize=size, fontweight=weight)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", metadata={"Title": f"Certificate {code}", "Creator": "trainingkit"})
    write_atomically(path, buffer.getvalue())
