"""Committee decisions from the office's records revoke credentials, and a cleared suspension reissues one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from trainingkit.cli import main
from trainingkit.credentials import (CommitteeDecision, Issued, OfficeFolder, Outcome, apply_committee_decisions,
                                     verify_reference)
from trainingkit.credentials.committee import Reinstatement, Revocation, changes_for
from trainingkit.credentials.register import read_register

from .conftest import NOW, set_up_office

ON = dt.date(2027, 6, 1)


def _decision(outcome: str, day: str, coach: str = "C042") -> CommitteeDecision:
    return CommitteeDecision(coach, dt.date.fromisoformat(day), outcome)


def _outcome(office: OfficeFolder, code: str) -> Outcome:
    return verify_reference(code, published=office.published, on=ON).outcome


def test_a_suspension_revokes_the_coachs_current_credential(office: OfficeFolder, issued: Issued) -> None:
    """A suspended decision after the credential was issued revokes it; another coach's decision does not."""
    register = read_register(office.register_file)
    assert changes_for(register, _decision("suspended", "2027-01-05", "C999"), []) == []
    assert changes_for(register, _decision("suspended", "2026-11-01"), []) == []  # before it was in force
    (change,) = changes_for(register, _decision("suspended", "2027-01-05"), [])
    assert isinstance(change, Revocation) and change.record.code == issued.code


def test_clearing_a_suspension_reissues_and_applying_again_changes_nothing(office: OfficeFolder,
                                                                           issued: Issued) -> None:
    """Suspended then cleared: the old credential stays revoked, a new one with the same facts is valid; twice is once."""
    decisions = [_decision("suspended", "2027-01-05"), _decision("cleared", "2027-03-01")]
    outcome = apply_committee_decisions(office=office, decisions=decisions, now=NOW)
    ((old, new),) = outcome.reissued
    assert old.code == issued.code and new.record.facts == issued.record.facts
    assert _outcome(office, issued.code) is Outcome.REVOKED and _outcome(office, new.code) is Outcome.VALID
    again = apply_committee_decisions(office=office, decisions=decisions, now=NOW)
    assert again.revoked == () and again.reissued == ()
    later = apply_committee_decisions(office=office, decisions=decisions + [_decision("suspended", "2027-05-01")],
                                      now=NOW)
    assert [change.record.code for change in later.revoked] == [new.code]


def test_a_revocation_is_never_cleared(office: OfficeFolder, issued: Issued) -> None:
    """Suspended, then revoked, then cleared: nothing is reissued."""
    decisions = [_decision("suspended", "2027-01-05"), _decision("revoked", "2027-02-01"),
                 _decision("cleared", "2027-03-01")]
    register = read_register(office.register_file)
    register = register.with_record(register.records[0].revoked(dt.date(2027, 1, 5), "suspended"))
    assert not any(isinstance(c, Reinstatement) for c in changes_for(register, decisions[2], decisions))
    outcome = apply_committee_decisions(office=office, decisions=decisions, now=NOW)
    assert outcome.reissued == () and _outcome(office, issued.code) is Outcome.REVOKED


def test_the_register_and_status_list_stay_private_and_public(office: OfficeFolder, issued: Issued) -> None:
    """The register is readable by the office only; the published files by anyone."""
    assert office.register_file.stat().st_mode & 0o777 == 0o600
    assert office.published.status_list.stat().st_mode & 0o777 == 0o644
    assert json.loads(office.register_file.read_text())["credentials"][0]["code"] == issued.code


def test_the_renewal_report_revokes_through_the_office_records(tmp_path: Path, office: OfficeFolder,
                                                               issued: Issued) -> None:
    """`trainingkit renewal report --credentials` applies the log's committee decisions; verify then says revoked."""
    log = tmp_path / "coaches.csv"
    log.write_text("coach_id,date,event,supervisor,hours,score,outcome\n"
                   "C042,2026-11-29,certified,,,,\n"
                   "C042,2027-01-05,committee,,,,revoked\n")
    result = CliRunner().invoke(main, ["renewal", "report", "--events", str(log), "--on", "2027-06-01",
                                       "--output-dir", str(tmp_path / "report"), "--credentials", str(office.path)])
    assert result.exit_code == 0, result.output
    assert f"Revoked {issued.code} of C042: committee revoked on 2027-01-05" in result.stdout
    assert _outcome(office, issued.code) is Outcome.REVOKED
    again = CliRunner().invoke(main, ["renewal", "report", "--events", str(log), "--on", "2027-06-01",
                                      "--output-dir", str(tmp_path / "report"), "--credentials", str(office.path)])
    assert "No credential changed." in again.stdout


def test_a_cleared_suspension_gets_its_new_certificate_pdf_in_the_report(tmp_path: Path, office: OfficeFolder,
                                                                         issued: Issued) -> None:
    """Suspended then cleared: the report writes the reissued credential's PDF, naming its new code, for the coach."""
    log = tmp_path / "coaches.csv"
    log.write_text("coach_id,date,event,supervisor,hours,score,outcome\n"
                   "C042,2026-11-29,certified,,,,\n"
                   "C042,2027-01-05,committee,,,,suspended\n"
                   "C042,2027-03-01,committee,,,,cleared\n")
    result = CliRunner().invoke(main, ["renewal", "report", "--events", str(log), "--on", "2027-06-01",
                                       "--output-dir", str(tmp_path / "report"), "--credentials", str(office.path)])
    assert result.exit_code == 0, result.output
    (new,) = [record for record in read_register(office.register_file).records if record.replaces == issued.code]
    pdf = tmp_path / "report" / f"certificate-{new.code}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and f"Wrote {pdf.name} for C042" in result.stdout
    assert _outcome(office, new.code) is Outcome.VALID


def test_the_report_with_an_office_not_set_up_writes_nothing(tmp_path: Path) -> None:
    """A --credentials folder that was never set up stops the report with exit 2 before it writes."""
    log = tmp_path / "coaches.csv"
    log.write_text("coach_id,date,event,supervisor,hours,score,outcome\nC042,2026-11-29,certified,,,,\n")
    result = CliRunner().invoke(main, ["renewal", "report", "--events", str(log), "--on", "2027-06-01",
                                       "--output-dir", str(tmp_path / "report"), "--credentials",
                                       str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "certificate setup" in result.stderr and not (tmp_path / "report").exists()


def test_a_suspension_bars_a_new_credential_until_cleared_and_a_revocation_for_good() -> None:
    """barred_by names the decision in force: suspended bars, cleared lifts it, revoked is never lifted."""
    from trainingkit.credentials.committee import barred_by

    suspended, cleared = _decision("suspended", "2027-01-05"), _decision("cleared", "2027-03-01")
    assert barred_by([suspended], "C042", dt.date(2027, 1, 4)) is None
    assert barred_by([suspended], "C042", dt.date(2027, 1, 5)) == suspended
    assert barred_by([suspended], "C999", dt.date(2027, 2, 1)) is None
    assert barred_by([suspended, cleared], "C042", dt.date(2027, 3, 1)) is None
    revoked = _decision("revoked", "2027-04-01")
    assert barred_by([suspended, cleared, revoked, _decision("cleared", "2027-05-01")], "C042",
                     dt.date(2027, 6, 1)) == revoked


def test_certificate_issue_refuses_a_suspended_coach_and_one_the_log_does_not_hold(tmp_path: Path) -> None:
    """Issue reads the office's log: a suspended coach and an unknown coach get a one-line refusal and nothing is written."""
    office = set_up_office(tmp_path / "office")
    log = tmp_path / "coaches.csv"
    log.write_text("coach_id,date,event,supervisor,hours,score,outcome,cut_score,form\n"
                   "C042,2025-01-10,certified,,,,,,\n"
                   "C042,2026-10-01,committee,,,,suspended,,\n", encoding="utf-8")
    for coach, message in (("C042", "the committee suspended C042 on 2026-10-01"), ("C777", "no coach 'C777'")):
        result = CliRunner().invoke(main, ["certificate", "issue", "--coach", coach, "--name", "Ada Okafor",
                                           "--cycle", "1", "--score", "88", "--date", "2026-11-29",
                                           "--output", str(tmp_path / "c.pdf"), "--events", str(log),
                                           "--office", str(office.path)])
        assert result.exit_code == 2 and message in result.stderr, result.output
        assert not (tmp_path / "c.pdf").exists() and read_register(office.register_file).records == ()
