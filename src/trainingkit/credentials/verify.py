"""Checking a credential with public material only: the credential, the issuer profile, the status list.

Nothing here reads a private file, makes a key, writes a file or looks for a course: the
published folder is named by the caller. :func:`verify_credential` says, in this order of
precedence, *not genuine* (why: the standard's shape, the proof, the key, the issuer), *cannot
be checked* (the status list is missing or not genuine), *revoked*, *not yet valid*,
*expired* or *valid*, with the facts a genuine credential certifies.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .model import CONTEXT, CertifiedFacts, CredentialShapeError, facts_of
from .multibase import MultibaseError, public_key_bytes_of
from .office import CODE, Issuer, OfficeError, PublishedFolder
from .proof import proof_problem
from .statuslist import StatusListError, is_set

__all__ = ["Outcome", "Verification", "published_keys", "verify_credential", "verify_reference"]


class Outcome(StrEnum):
    """What a verifier may conclude."""

    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    REVOKED = "revoked"
    UNCHECKED = "cannot be checked"
    NOT_GENUINE = "not genuine"


@dataclass(frozen=True)
class Verification:
    """The outcome, why, and (when genuine) what the credential certifies and who issued it."""

    outcome: Outcome
    reason: str
    facts: CertifiedFacts | None = None
    code: str = ""
    issuer: Issuer | None = None


class _Unreadable(ValueError):
    pass


def _issuer_of(profile: Any) -> Issuer:
    try:
        issuer_id, name = str(profile["id"]), str(profile["name"])
        if not issuer_id.endswith("/issuer.json"):
            raise _Unreadable(f"its id {issuer_id!r} is not an issuer.json address")
        return Issuer(name, issuer_id.removesuffix("/issuer.json"))
    except (KeyError, TypeError, OfficeError) as error:
        raise _Unreadable(f"the issuer profile cannot be read ({error})") from None


def published_keys(profile: Any) -> dict[str, bytes]:
    """Key id -> Ed25519 public key, for the keys the profile lists for assertions."""
    issuer = _issuer_of(profile)
    try:
        allowed = set(profile["assertionMethod"])
        return {method["id"]: public_key_bytes_of(method["publicKeyMultibase"])
                for method in profile["verificationMethod"]
                if method["id"] in allowed and method["type"] == "Multikey" and method["controller"] == issuer.id
                and str(method["id"]).startswith(issuer.id + "#")}
    except (KeyError, TypeError, MultibaseError) as error:
        raise _Unreadable(f"the issuer profile's keys cannot be read ({error})") from None


def _status_problem(status_list: Any, credential: dict[str, Any], issuer: Issuer,
                    keys: dict[str, bytes]) -> tuple[bool, str]:
    """(revoked, when the list was published), or raise _Unreadable naming what is wrong."""
    if not isinstance(status_list, dict):
        raise _Unreadable("the status list is not a JSON object")
    if (status_list.get("id"), status_list.get("issuer")) != (issuer.status_list_id, issuer.id):
        raise _Unreadable(f"the status list is not {issuer.status_list_id} of {issuer.id}")
    if "BitstringStatusListCredential" not in (status_list.get("type") or []):
        raise _Unreadable("the status list is not a BitstringStatusListCredential")
    problem = proof_problem(status_list, keys)
    if problem:
        raise _Unreadable(f"the status list is not genuine: {problem}")
    subject = status_list.get("credentialSubject") or {}
    if subject.get("statusPurpose") != "revocation":
        raise _Unreadable("the status list is not a revocation list")
    index = int(credential["credentialStatus"]["statusListIndex"])
    try:
        return is_set(str(subject.get("encodedList")), index), str(status_list.get("validFrom"))
    except StatusListError as error:
        raise _Unreadable(f"the status list cannot be read: {error}") from None


def verify_credential(credential: Any, *, profile: Any, status_list: Any, on: dt.date) -> Verification:
    """Check ``credential`` against the issuer's published ``profile`` and ``status_list`` on ``on``."""
    try:
        issuer = _issuer_of(profile)
        keys = published_keys(profile)
    except _Unreadable as error:
        return Verification(Outcome.UNCHECKED, str(error))
    if not isinstance(credential, dict):
        return Verification(Outcome.NOT_GENUINE, "it is not a JSON object", issuer=issuer)
    if credential.get("@context") != CONTEXT:
        return Verification(Outcome.NOT_GENUINE, f"its @context is not {CONTEXT}", issuer=issuer)
    subject_issuer = credential.get("issuer")
    if not isinstance(subject_issuer, dict) or subject_issuer.get("id") != issuer.id:
        return Verification(Outcome.NOT_GENUINE, f"it does not name {issuer.id} as its issuer", issuer=issuer)
    problem = proof_problem(credential, keys)
    if problem:
        return Verification(Outcome.NOT_GENUINE, problem, issuer=issuer)
    try:
        facts, code, _ = facts_of(credential, issuer)
    except CredentialShapeError as error:
        return Verification(Outcome.NOT_GENUINE, str(error), issuer=issuer)
    genuine = {"facts": facts, "code": code, "issuer": issuer}
    try:
        revoked, listed = _status_problem(status_list, credential, issuer, keys)
    except _Unreadable as error:
        return Verification(Outcome.UNCHECKED, f"genuine, but revocation cannot be checked: {error}", **genuine)
    if revoked:
        return Verification(Outcome.REVOKED, f"the issuer revoked it (status list of {listed})", **genuine)
    if on < facts.passed_on:
        return Verification(Outcome.NOT_YET_VALID, f"it is valid from {facts.passed_on}", **genuine)
    if on > facts.valid_until:
        return Verification(Outcome.EXPIRED, f"it was valid through {facts.valid_until}", **genuine)
    return Verification(Outcome.VALID, f"signed by {issuer.name}; not revoked as of the status list of {listed}",
                        **genuine)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _Unreadable(f"{path}: no {what} there") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _Unreadable(f"{path}: the {what} cannot be read ({error})") from None


def verify_reference(reference: str, *, published: PublishedFolder, on: dt.date) -> Verification:
    """Verify a credential file, or the credential a verification code names in ``published``."""
    try:
        profile = _read_json(published.issuer_profile, "issuer profile")
    except _Unreadable as error:
        return Verification(Outcome.UNCHECKED, f"{error} (name the certification body's published folder)")
    code = reference.strip().upper()
    try:
        if CODE.match(code):
            credential = _read_json(published.credential(code), f"credential with code {code}")
        else:
            credential = _read_json(Path(reference), "credential")
    except _Unreadable as error:
        return Verification(Outcome.NOT_GENUINE, str(error))
    try:
        status_list = _read_json(published.status_list, "status list")
    except _Unreadable as error:
        status_list = str(error)
    verification = verify_credential(credential, profile=profile, status_list=status_list, on=on)
    if isinstance(status_list, str) and verification.outcome is Outcome.UNCHECKED:
        return Verification(Outcome.UNCHECKED, f"genuine, but revocation cannot be checked: {status_list}",
                            verification.facts, verification.code, verification.issuer)
    return verification
