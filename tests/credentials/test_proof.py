"""Proofs: an issued credential verifies by the cryptosuite's own steps; any change, or another key, fails."""

from __future__ import annotations

import copy
import json

import pytest

from trainingkit.credentials import Issued, OfficeFolder
from trainingkit.credentials.documents import schema_problems

from .independent import proof_verifies


def _profile(office: OfficeFolder) -> dict:
    return json.loads(office.published.issuer_profile.read_text())


def _key_of(office: OfficeFolder, credential: dict) -> str:
    methods = {m["id"]: m["publicKeyMultibase"] for m in _profile(office)["verificationMethod"]}
    return methods[credential["proof"][0]["verificationMethod"]]


def test_the_credential_keeps_the_open_badges_schema(issued: Issued) -> None:
    """The signed credential validates against 1EdTech's Open Badges 3.0 JSON schema."""
    assert schema_problems(issued.credential) == []
    assert issued.credential["credentialSubject"]["achievement"]["achievementType"] == "Certification"


def test_the_proof_verifies_independently_of_trainingkit(office: OfficeFolder, issued: Issued) -> None:
    """A verifier written in the tests from the cryptosuite's text accepts the credential's proof."""
    assert proof_verifies(issued.credential, _key_of(office, issued.credential))


def test_the_status_list_proof_verifies_independently(office: OfficeFolder, issued: Issued) -> None:
    """The published status list is signed the same way, by the issuer's key."""
    status_list = json.loads(office.published.status_list.read_text())
    assert proof_verifies(status_list, _key_of(office, status_list))


SIGNED_FIELDS = [
    ("credentialSubject", "name"),
    ("credentialSubject", "identifier", 0, "identityHash"),
    ("credentialSubject", "identifier", 1, "identityHash"),
    ("credentialSubject", "result", 0, "value"),
    ("credentialSubject", "achievement", "resultDescription", 0, "requiredValue"),
    ("credentialSubject", "achievement", "resultDescription", 0, "name"),
    ("credentialSubject", "achievement", "resultDescription", 0, "id"),
    ("credentialSubject", "achievement", "achievementType"),
    ("validFrom",),
    ("validUntil",),
    ("awardedDate",),
    ("id",),
    ("name",),
    ("issuer", "name"),
    ("credentialStatus", "statusListIndex"),
    ("proof", 0, "created"),
    ("proof", 0, "verificationMethod"),
]


def _altered(credential: dict, path: tuple) -> dict:
    changed = copy.deepcopy(credential)
    target = changed
    for part in path[:-1]:
        target = target[part]
    value = target[path[-1]]
    if path[-1] in ("validFrom", "validUntil", "awardedDate", "created"):
        target[path[-1]] = value.replace("20", "21", 1)
    elif path[-1] == "value" or path[-1] == "requiredValue":
        target[path[-1]] = "99.5" if value != "99.5" else "12"
    else:
        target[path[-1]] = value + "x"
    return changed


@pytest.mark.parametrize("path", SIGNED_FIELDS, ids=lambda path: ".".join(map(str, path)))
def test_every_signed_field_altered_fails(office: OfficeFolder, issued: Issued, path: tuple) -> None:
    """Changing any one signed field makes the independent proof check fail."""
    changed = _altered(issued.credential, path)
    key = _key_of(office, issued.credential)
    try:
        verified = proof_verifies(changed, key)
    except Exception:  # a field that no longer canonicalizes is a failure too
        verified = False
    assert not verified


def test_a_credential_from_another_key_fails(tmp_path, office: OfficeFolder, issued: Issued) -> None:
    """A credential signed by another office's key does not verify with this issuer's key."""
    from trainingkit.credentials import issue_credential

    from .conftest import FACTS, NOW, set_up_office

    forger = set_up_office(tmp_path / "forger")
    forged = issue_credential(office=forger, facts=FACTS, now=NOW)
    assert not proof_verifies(forged.credential, _key_of(office, issued.credential))
