"""Verifying with public material only: valid, revoked, expired, rotated keys, forgeries, and no writes."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainingkit.cli import main
from trainingkit.credentials import (CommitteeDecision, Issued, OfficeFolder, Outcome, apply_committee_decisions,
                                     issue_credential, rotate_signing_key, verify_reference)
from trainingkit.credentials.office import PublishedFolder

from .conftest import FACTS, ISSUER, NOW, set_up_office

ON = dt.date(2027, 1, 10)


def _verify(reference: str, published: Path, on: dt.date = ON):
    return verify_reference(reference, published=PublishedFolder(published), on=on)


def test_a_credential_verifies_by_file_and_by_code(office: OfficeFolder, issued: Issued, tmp_path: Path) -> None:
    """The credential file and its short code both verify as valid, with the facts it certifies."""
    (tmp_path / "c.json").write_text(json.dumps(issued.credential))
    for reference in (str(tmp_path / "c.json"), issued.code, issued.code.lower()):
        result = _verify(reference, office.published.path)
        assert result.outcome is Outcome.VALID, result.reason
        assert result.facts == FACTS and result.code == issued.code


def test_expired_and_not_yet_valid_say_so(office: OfficeFolder, issued: Issued) -> None:
    """After the two-year cycle the credential is expired; before its first day, not yet valid."""
    assert _verify(issued.code, office.published.path, dt.date(2028, 11, 29)).outcome is Outcome.VALID
    expired = _verify(issued.code, office.published.path, dt.date(2028, 11, 30))
    assert expired.outcome is Outcome.EXPIRED and "2028-11-29" in expired.reason
    assert _verify(issued.code, office.published.path, dt.date(2026, 11, 28)).outcome is Outcome.NOT_YET_VALID


def test_a_revoked_credential_says_revoked(office: OfficeFolder, issued: Issued) -> None:
    """Once the committee's revocation is applied, verify says revoked."""
    apply_committee_decisions(office=office, decisions=[CommitteeDecision("C042", dt.date(2027, 1, 5), "revoked")],
                              now=NOW)
    assert _verify(issued.code, office.published.path).outcome is Outcome.REVOKED


def test_a_rotated_key_keeps_old_credentials_verifying(office: OfficeFolder, issued: Issued) -> None:
    """After a key rotation the old credential still verifies and new ones are signed by the new key."""
    rotate_signing_key(office=office, now=NOW)
    newer = issue_credential(office=office, facts=FACTS, now=NOW)
    assert newer.credential["proof"][0]["verificationMethod"].endswith("#key-2")
    for code in (issued.code, newer.code):
        assert _verify(code, office.published.path).outcome is Outcome.VALID


def test_a_key_removed_from_the_profile_no_longer_verifies(office: OfficeFolder, issued: Issued) -> None:
    """A credential whose key the issuer no longer lists is not genuine."""
    profile = json.loads(office.published.issuer_profile.read_text())
    profile["assertionMethod"] = []
    office.published.issuer_profile.write_text(json.dumps(profile))
    result = _verify(issued.code, office.published.path)
    assert result.outcome is Outcome.NOT_GENUINE and "not among the issuer's published keys" in result.reason


@pytest.mark.parametrize("change", [
    lambda c: c["credentialSubject"].update(name="Eve Mallory"),
    lambda c: c["credentialSubject"]["result"][0].update(value="99.0"),
    lambda c: c.update(validUntil="2099-11-29T23:59:59Z"),
    lambda c: c.update({"@context": c["@context"] + [{"nickname": "https://schema.org/name"}]}),
    lambda c: c["credentialSubject"].update(extra="unsigned"),
    lambda c: c.pop("credentialStatus"),
    lambda c: c.update(proof=[]),
], ids=["name", "score", "validUntil", "context", "added field", "no status", "no proof"])
def test_an_altered_credential_is_not_genuine(office: OfficeFolder, issued: Issued, tmp_path: Path, change) -> None:
    """Any change to a credential makes trainingkit's verify say not genuine."""
    forged = copy.deepcopy(issued.credential)
    change(forged)
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    assert _verify(str(tmp_path / "forged.json"), office.published.path).outcome is Outcome.NOT_GENUINE


def test_a_credential_from_another_key_is_not_genuine(tmp_path: Path, office: OfficeFolder) -> None:
    """A forger's office with the same issuer address but its own key cannot make a credential that verifies."""
    forger = set_up_office(tmp_path / "forger", ISSUER)
    forged = issue_credential(office=forger, facts=FACTS, now=NOW)
    (tmp_path / "forged.json").write_text(json.dumps(forged.credential))
    result = _verify(str(tmp_path / "forged.json"), office.published.path)
    assert result.outcome is Outcome.NOT_GENUINE and "signature" in result.reason


def _snapshot(*folders: Path) -> dict[str, tuple[int, float]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime) for folder in folders
            for p in folder.rglob("*") if p.is_file()}


def test_verify_in_an_attackers_folder_cannot_say_valid_for_a_forgery(
        tmp_path: Path, office: OfficeFolder, monkeypatch) -> None:
    """Run inside a trainee's folder (their own office, keys, published files and a fake course above), verify of
    their forgery against the office's published folder says not genuine, and without one refuses; it writes nothing."""
    attacker = tmp_path / "attacker" / "course"
    (attacker.parent / "coursework").mkdir(parents=True)
    (attacker.parent / "coursework" / ".certificate-secret").write_text("guessed\n")
    forger = set_up_office(attacker / "office", ISSUER)
    forged = issue_credential(office=forger, facts=FACTS, now=NOW)
    for name in ("issuer.json", "status-list.json"):  # their public files beside the forgery
        shutil.copy(forger.published.path / name, attacker / name)
    shutil.copytree(forger.published.path, attacker / "published")
    (attacker / "forged.json").write_text(json.dumps(forged.credential))
    monkeypatch.chdir(attacker)
    monkeypatch.setenv("HOME", str(attacker))
    monkeypatch.setenv("TRAININGKIT_OFFICE", str(forger.path))
    monkeypatch.delenv("TRAININGKIT_PUBLISHED", raising=False)
    before = _snapshot(tmp_path)
    runner = CliRunner()
    checked = runner.invoke(main, ["certificate", "verify", "forged.json", "--published", str(office.published.path)])
    assert checked.exit_code == 1 and checked.stdout.startswith("NOT GENUINE")
    by_code = runner.invoke(main, ["certificate", "verify", forged.code, "--published", str(office.published.path)])
    assert by_code.exit_code == 1 and "VALID" not in by_code.stdout.replace("NOT GENUINE", "")
    unnamed = runner.invoke(main, ["certificate", "verify", "forged.json"])
    assert unnamed.exit_code == 2 and "--published" in unnamed.stderr
    assert _snapshot(tmp_path) == before


def test_verify_never_writes_a_file_or_makes_a_key(tmp_path: Path, office: OfficeFolder, issued: Issued,
                                                    monkeypatch) -> None:
    """Verifying a genuine credential leaves every file as it was and makes no key anywhere."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TRAININGKIT_OFFICE", raising=False)
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(main, ["certificate", "verify", issued.code, "--published",
                                       str(office.published.path)])
    assert result.exit_code == 0 and result.stdout.startswith("VALID"), result.output
    assert "Ada Okafor (coach C042)" in result.stdout and "72.06%" in result.stdout
    assert _snapshot(tmp_path) == before and not (tmp_path / "home").exists()


def test_a_missing_status_list_means_cannot_be_checked(office: OfficeFolder, issued: Issued) -> None:
    """Without the status list, a genuine credential is not called valid."""
    os.remove(office.published.status_list)
    result = _verify(issued.code, office.published.path)
    assert result.outcome is Outcome.UNCHECKED and "revocation cannot be checked" in result.reason


def test_a_forged_status_list_is_refused(tmp_path: Path, office: OfficeFolder, issued: Issued) -> None:
    """A status list signed by another key (to hide a revocation) is not trusted."""
    apply_committee_decisions(office=office, decisions=[CommitteeDecision("C042", dt.date(2027, 1, 5), "revoked")],
                              now=NOW)
    forger = set_up_office(tmp_path / "forger", ISSUER)
    shutil.copy(forger.published.status_list, office.published.status_list)
    assert _verify(issued.code, office.published.path).outcome is Outcome.UNCHECKED


def test_an_unknown_code_or_file_is_not_genuine(office: OfficeFolder, tmp_path: Path) -> None:
    """A code nobody issued, or a file that is not JSON, is named in the answer."""
    assert _verify("TK-0000-0000-0000", office.published.path).outcome is Outcome.NOT_GENUINE
    (tmp_path / "junk.json").write_text("{not json")
    result = _verify(str(tmp_path / "junk.json"), office.published.path)
    assert result.outcome is Outcome.NOT_GENUINE and "junk.json" in result.reason
