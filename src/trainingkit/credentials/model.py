"""What a credential certifies, and the Open Badges 3.0 document that says it.

:class:`CertifiedFacts` are the signed facts: the coach's name and id, the renewal cycle of the
form sat, the day it was passed, the score and the form's cut score (exactly as given; the pass
decision compares them unrounded) and the two-year validity. :func:`credential_document` writes
them as an ``OpenBadgeCredential`` whose achievement is a ``Certification``;
:func:`facts_of` reads them back and refuses any document that is not exactly what
:func:`credential_document` makes of them, so every fact a verifier shows is one the proof covers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from .documents import CREDENTIALS_CONTEXT, OPEN_BADGES_CONTEXT
from .office import CODE, Issuer

__all__ = ["CONTEXT", "CertifiedFacts", "CredentialShapeError", "credential_document", "facts_of"]

CONTEXT = [CREDENTIALS_CONTEXT, OPEN_BADGES_CONTEXT]
COACH_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ACHIEVEMENT_NAME = "Certified Trauma Recovery Coach"


class CredentialShapeError(ValueError):
    """A document that is not a credential as trainingkit issues them; the message says where."""


@dataclass(frozen=True)
class CertifiedFacts:
    """The facts a credential certifies. ``valid_until`` is the last day of the two-year cycle."""

    coach_id: str
    name: str
    cycle: int
    passed_on: dt.date
    score: float
    cut_score: float
    valid_until: dt.date

    @property
    def passed(self) -> bool:
        """The pass decision, on the unrounded numbers."""
        return self.score >= self.cut_score

    def __post_init__(self) -> None:
        if not COACH_ID.match(self.coach_id):
            raise ValueError(f"coach id {self.coach_id!r} must be letters, digits, - or _ (at most 32)")
        if not self.name.strip() or self.name != self.name.strip() or not self.name.isprintable():
            raise ValueError("the name must be printable text without surrounding spaces")
        if not all(math.isfinite(value) and 0 <= value <= 100 for value in (self.score, self.cut_score)):
            raise ValueError("score and cut score must be numbers from 0 to 100")


def _number(value: float) -> str:
    """The shortest text that reads back as the same float (72.06 stays 72.06)."""
    return repr(float(value))


def _day(day: dt.date, end: bool = False) -> str:
    return f"{day.isoformat()}T23:59:59Z" if end else f"{day.isoformat()}T00:00:00Z"


def credential_document(facts: CertifiedFacts, *, issuer: Issuer, code: str, status_index: int) -> dict[str, Any]:
    """The unsigned Open Badges 3.0 credential of ``facts``."""
    achievement_id = f"{issuer.base_url}/achievements/ctrc"
    score_id = f"{achievement_id}/ethics-review-cycle-{facts.cycle}"
    return {
        "@context": list(CONTEXT),
        "id": issuer.credential_id(code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{ACHIEVEMENT_NAME}: {facts.name}",
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
        "validFrom": _day(facts.passed_on),
        "awardedDate": _day(facts.passed_on),
        "validUntil": _day(facts.valid_until, end=True),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": facts.name,
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": facts.name},
                {"type": "IdentityObject", "identityType": "identifier", "hashed": False,
                 "identityHash": facts.coach_id},
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": ACHIEVEMENT_NAME,
                "description": "Certification as a trauma recovery coach for a two-year cycle, granted on "
                               "passing the ethics review course at or above its form's cut score.",
                "criteria": {"narrative": "Pass the ethics review of the renewal cycle: a score at or above "
                                          "the cut score set for that cycle's form by supervisors' ratings."},
                "resultDescription": [{
                    "id": score_id,
                    "type": ["ResultDescription"],
                    "name": f"Ethics review score, form of renewal cycle {facts.cycle}",
                    "resultType": "Percent",
                    "requiredValue": _number(facts.cut_score),
                    "valueMin": "0",
                    "valueMax": "100",
                }],
            },
            "result": [{"type": ["Result"], "resultDescription": score_id, "value": _number(facts.score),
                        "status": "Completed"}],
        },
        "credentialStatus": {
            "id": f"{issuer.status_list_id}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": issuer.status_list_id,
        },
    }


def _at(document: Any, *path: str | int) -> Any:
    for part in path:
        try:
            document = document[part]
        except (KeyError, IndexError, TypeError):
            raise CredentialShapeError(f"{'.'.join(str(p) for p in path)} is missing") from None
    return document


def facts_of(document: dict[str, Any], issuer: Issuer) -> tuple[CertifiedFacts, str, int]:
    """The facts, code and status index of a credential ``issuer`` would issue exactly so."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    try:
        subject = _at(unsecured, "credentialSubject")
        ids = {entry["identityType"]: entry["identityHash"] for entry in _at(subject, "identifier")}
        cycle = int(re.sub(r"^.*-cycle-", "", _at(subject, "achievement", "resultDescription", 0, "id")))
        code = str(_at(unsecured, "id")).rsplit("/", 1)[-1].removesuffix(".json")
        facts = CertifiedFacts(
            coach_id=ids["identifier"], name=ids["name"], cycle=cycle,
            passed_on=dt.date.fromisoformat(str(_at(unsecured, "validFrom"))[:10]),
            score=float(_at(subject, "result", 0, "value")),
            cut_score=float(_at(subject, "achievement", "resultDescription", 0, "requiredValue")),
            valid_until=dt.date.fromisoformat(str(_at(unsecured, "validUntil"))[:10]))
        index = int(_at(unsecured, "credentialStatus", "statusListIndex"))
    except CredentialShapeError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise CredentialShapeError(f"its facts cannot be read ({error})") from None
    if not CODE.match(code):
        raise CredentialShapeError(f"its id does not end in a verification code ({unsecured.get('id')!r})")
    if credential_document(facts, issuer=issuer, code=code, status_index=index) != unsecured:
        raise CredentialShapeError("it is not shaped as this issuer's credentials are (fields added, "
                                   "removed or rewritten)")
    return facts, code, index
