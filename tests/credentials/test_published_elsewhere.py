"""The published folder outside the office folder (the hub's ``PREFIX/published``), and issuing
without a course (the hub's office reads a copy of the fixed forms register)."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainingkit.cli import main
from trainingkit.credentials import OfficeFolder, issue_credential
from trainingkit.credentials.issue import publish
from trainingkit.credentials.office import OfficeError
from trainingkit.credentials.register import read_register

from .conftest import FACTS, ISSUER, NOW, office_log

URL = "https://certification.example.org/coaches"



def test_an_office_publishes_where_setup_recorded_and_keeps_it(tmp_path: Path) -> None:
    """Setup records --publish-dir; every public file goes there (0644, new folders 2775 in a setgid
    folder), nothing is published in the office folder, and a later setup elsewhere is refused."""
    shared = tmp_path / "published"
    shared.mkdir()
    os.chmod(shared, 0o2775)
    office = OfficeFolder(tmp_path / "office")
    office.set_up(ISSUER, shared)
    publish(office, read_register(office.register_file), NOW)
    issued = issue_credential(office=office, facts=FACTS, now=NOW)
    assert OfficeFolder(office.path).published.path == shared
    for path in (shared / "issuer.json", shared / "status-list.json", shared / "credentials" / f"{issued.code}.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((shared / "credentials").stat().st_mode) == 0o2775
    assert not (office.path / "published").exists()
    office.set_up(ISSUER)  # again, not naming it: kept
    assert office.published.path == shared
    with pytest.raises(OfficeError, match="already publishes in"):
        office.set_up(ISSUER, tmp_path / "elsewhere")


def test_the_hubs_office_issues_against_a_copy_of_the_forms_without_a_course(tmp_path: Path, monkeypatch) -> None:
    """With TRAININGKIT_FORMS and TRAININGKIT_PUBLISHED (the hub office's environment) and no course above
    the working folder, setup publishes in the shared folder and issue signs against the copy's cut score."""
    from trainingkit.course import Course

    forms = tmp_path / "forms.yaml"
    shutil.copy(Course.locate(Path(__file__)).forms_file, forms)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    monkeypatch.setenv("TRAININGKIT_FORMS", str(forms))
    monkeypatch.setenv("TRAININGKIT_PUBLISHED", str(tmp_path / "published"))
    monkeypatch.setenv("TRAININGKIT_OFFICE", str(tmp_path / "office"))
    runner = CliRunner()
    assert runner.invoke(main, ["certificate", "setup", "--name", "Board", "--url", URL]).exit_code == 0
    result = runner.invoke(main, ["certificate", "issue", "--coach", "C042", "--name", "Ada Okafor", "--cycle", "1",
                                  "--score", "88", "--date", "2026-11-29", "--output", str(tmp_path / "c.pdf"),
                                  "--events", office_log(tmp_path)])
    assert result.exit_code == 0, result.output
    code = re.search(r"Verification code: (\S+)", result.stdout).group(1)
    assert (tmp_path / "published" / "credentials" / f"{code}.json").exists()
    verdict = runner.invoke(main, ["certificate", "verify", code, "--on", "2027-01-01"])
    assert verdict.exit_code == 0 and verdict.stdout.startswith("VALID"), verdict.output
    below = runner.invoke(main, ["certificate", "issue", "--coach", "C7", "--name", "Bo", "--cycle", "1",
                                 "--score", "40", "--output", str(tmp_path / "d.pdf"),
                                 "--events", office_log(tmp_path)])
    assert below.exit_code == 2 and "below the cut score" in below.stderr
