"""Issuing: sign a coach's credential, record it, and publish what verifiers need.

:func:`issue_credential` signs with the office's current key (made on first use), records the
credential in the register, then writes the public files: the credential under its code, the
issuer profile (every public key, old ones too) and the status list, signed afresh from the
register. All of it happens under the register's lock, register first: a credential that
reaches anyone is always in the register, so it can always be revoked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from filelock import FileLock

from .documents import CREDENTIALS_CONTEXT, OPEN_BADGES_CONTEXT, schema_problems
from .keys import SigningKey, current_key, read_keys, rotate_key
from .model import CertifiedFacts, credential_document
from .multibase import multikey_of
from .office import Issuer, OfficeFolder, write_public
from .proof import signed
from .register import IssuedRecord, Register, read_register, write_register
from .statuslist import status_list_document

__all__ = ["Issued", "issue_credential", "issuer_profile", "publish", "rotate_signing_key", "sign_new"]


@dataclass(frozen=True)
class Issued:
    """A credential just issued: its code, its signed document and its register record."""

    code: str
    credential: dict[str, Any]
    record: IssuedRecord


def issuer_profile(issuer: Issuer, keys: list[SigningKey]) -> dict[str, Any]:
    """The public issuer profile: who signs, and every public key it has signed with (Multikey)."""
    methods = [{"id": issuer.key_id(key.name), "type": "Multikey", "controller": issuer.id,
                "publicKeyMultibase": multikey_of(key.public_bytes)} for key in keys]
    return {"@context": [CREDENTIALS_CONTEXT, OPEN_BADGES_CONTEXT], "id": issuer.id, "type": ["Profile"],
            "name": issuer.name, "url": issuer.base_url, "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods]}


def publish(office: OfficeFolder, register: Register, now: dt.datetime) -> None:
    """Write the issuer profile and the status list (signed by the current key) from ``register``."""
    issuer = office.issuer()
    key = current_key(office.keys_dir)
    write_public(office.published.issuer_profile, issuer_profile(issuer, read_keys(office.keys_dir)))
    status = status_list_document(issuer, register.revoked_indices(), now)
    write_public(office.published.status_list, signed(status, key.private, issuer.key_id(key.name), now))


def sign_new(office: OfficeFolder, register: Register, facts: CertifiedFacts, now: dt.datetime,
             replaces: IssuedRecord | None = None, in_force_from: dt.date | None = None) -> Issued:
    """Sign a credential of ``facts`` with a fresh code and status index (nothing is written)."""
    if not facts.passed:
        raise ValueError(f"{facts.coach_id} scored {facts.score!r}%, below the cut score {facts.cut_score!r}%")
    issuer = office.issuer()
    key = current_key(office.keys_dir)
    code, index = register.new_code(), register.new_index()
    credential = signed(credential_document(facts, issuer=issuer, code=code, status_index=index),
                        key.private, issuer.key_id(key.name), now)
    problems = schema_problems(credential)
    if problems:  # the document is ours, so this is a bug, never the coach's input
        raise AssertionError(f"the credential breaks the Open Badges schema: {problems}")
    record = IssuedRecord(code, facts, index, credential["proof"][0]["created"], key.name,
                          replaces=replaces.code if replaces else None, in_force_from=in_force_from)
    return Issued(code, credential, record)


def issue_credential(*, office: OfficeFolder, facts: CertifiedFacts, now: dt.datetime) -> Issued:
    """Sign, record and publish a credential of ``facts``; return it."""
    with FileLock(office.lock_file):
        register = read_register(office.register_file)
        issued = sign_new(office, register, facts, now)
        register = register.with_record(issued.record)
        write_register(office.register_file, register)
        write_public(office.published.credential(issued.code), issued.credential)
        publish(office, register, now)
    return issued


def rotate_signing_key(*, office: OfficeFolder, now: dt.datetime) -> SigningKey:
    """Make the next signing key and republish: old credentials keep verifying with the old keys."""
    office.issuer()
    with FileLock(office.lock_file):
        key = rotate_key(office.keys_dir)
        publish(office, read_register(office.register_file), now)
    return key
