"""The exam commands on the real course: forms for twenty years, CSV that parses, certificates that verify."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.credentials.conftest import office_log
from trainingkit.cli import main
from trainingkit.course import Course


@pytest.fixture
def here(course_copy: Course, monkeypatch) -> Course:
    monkeypatch.chdir(course_copy.root)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    return course_copy


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)



def test_the_real_bank_gives_ten_cycles_of_forms_meeting_every_rule(here: Course) -> None:
    """`trainingkit forms --cycles 1-10` on the shipped bank meets the blueprint for twenty years."""
    result = _run("forms", "--cycles", "1-10")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["cycle"] for row in rows] == [str(c) for c in range(1, 11)]
    assert [row["status"] for row in rows[:2]] == ["fixed", "fixed"]  # cycle 2: cycle 1's parallel form
    assert all(row["status"] == "planned" for row in rows[2:])
    assert "every blueprint rule met" in result.stderr
    rules = rows[1]["rules_covered"].split("/")[1]
    assert all(row["rules_covered"] == f"{rules}/{rules}" and not row["rules_missing"] for row in rows[1:])
    assert all(abs(float(row["cut_score"]) - float(rows[0]["cut_score"])) <= 1 for row in rows)
    assert "scope-physical-risk" in rows[0]["rules_missing"]  # the fixed form is given as it is, noted
    assert "Note: cycle 1 (fixed, given as it is): no item on rule scope-physical-risk" in result.stderr


def test_one_late_cycle_is_checked_against_the_forms_before_it(here: Course) -> None:
    """`forms --cycles 4` prints cycle 4 alone but checks its overlap and exposure with cycles 1-3."""
    result = _run("forms", "--cycles", "4")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    from trainingkit.exam.cli import _load, _plan

    course, bank, plan, practice, _ = _load(())
    forms = _plan(course, bank, plan, practice, [1, 2, 3, 4])
    assert [row["cycle"] for row in rows] == ["4"]
    assert rows[0]["max_overlap_previous"] == str(max(forms[4].overlap(forms[c]) for c in (1, 2, 3)))
    assert "1 forms checked with the 4 of cycles 1-4" in result.stderr


def test_the_technical_report_shows_each_forms_match_reliability_and_items_to_retire(here: Course,
                                                                                      tmp_path: Path) -> None:
    """--report writes one private HTML page: rules covered, cut score, projected reliability, an item to retire."""
    items = [row["id"] for row in csv.DictReader(io.StringIO(_run("review-form", "--cycle", "3").stdout))]
    stats = tmp_path / "items.csv"
    stats.write_text("item,domain,kind,trainees,max_points,facility,sd,discrimination\n" + "".join(
        f"{item},scope,single,40,1,{0.95 if n == 0 else 0.7},0.45,{0.35}\n" for n, item in enumerate(items)))
    report = tmp_path / "report.html"
    result = _run("forms", "--cycles", "1-3", "--report", str(report), "--item-stats", str(stats))
    assert result.exit_code == 0, result.output
    page = report.read_text()
    assert "<h2>Cycle 3 (planned)</h2>" in page and "scope-coach-impaired: " in page
    assert "projected (24 of 24 items with statistics)</td><td>alpha</td><td>0." in page
    assert f"<td>{items[0]}</td><td>40</td><td>0.95</td>" in page and "facility 0.95 above 0.90" in page
    assert report.stat().st_mode & 0o777 == 0o600
    stats.write_text("item,trainees,max_points,facility,sd,discrimination\nscope-101,many,1,0.5,0.4,0.3\n")
    bad = _run("forms", "--cycles", "1", "--report", str(report), "--item-stats", str(stats))
    assert bad.exit_code == 2 and "items.csv: line 2: trainees, max_points" in bad.stderr


def test_review_form_prints_csv_that_parses_even_with_quotes_in_titles(here: Course) -> None:
    """Each form row parses back with the csv module, whatever punctuation a title holds."""
    bank_file = here.bank_dir / "scope.yaml"
    bank_file.write_text(bank_file.read_text().replace(
        "title: A client whose illness is well managed", "title: '\"You''re the expert, just tell me\", she says'"))
    result = _run("review-form", "--cycle", "1")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 24 and set(rows[0]) == {"id", "area", "domain", "kind", "title"}
    assert '"You\'re the expert, just tell me", she says' in {row["title"] for row in rows}


def test_an_area_with_every_item_retired_is_named(here: Course) -> None:
    """With every psychedelics item retired, assembling a new form fails naming that area, exit 2."""
    for path in here.bank_dir.glob("*.yaml"):
        path.write_text(re.sub(r"^( +)area: psychedelics\n", r"\1area: psychedelics\n\1retired: superseded\n",
                               path.read_text(), flags=re.M))
    result = _run("forms", "--cycles", "3")  # cycles 1 and 2 are fixed
    assert result.exit_code == 2
    assert "cycle 3: no form meets the blueprint: content area 'psychedelics'" in result.stderr
    assert "0 eligible item(s)" in result.stderr


def test_a_retired_item_leaves_new_forms_but_stays_on_the_given_one(here: Course) -> None:
    """Retiring an item of cycle 1's fixed form keeps it there and keeps it off cycles 2 to 10."""
    first = list(csv.DictReader(io.StringIO(_run("review-form", "--cycle", "1").stdout)))[0]["id"]
    bank_file = next(p for p in here.bank_dir.glob("*.yaml") if f"id: {first}\n" in p.read_text())
    bank_file.write_text(bank_file.read_text().replace(f"id: {first}\n", f"id: {first}\n    retired: negative discrimination\n", 1))
    assert first in _run("review-form", "--cycle", "1").stdout
    from trainingkit.exam.cli import _load, _plan

    course, bank, plan, practice, _ = _load(())
    assert not any(first in form.items for cycle, form in _plan(course, bank, plan, practice, [2, 10]).items())


def test_standard_setting_reports_items_and_cut_scores_and_names_bad_lines(here: Course, tmp_path: Path) -> None:
    """Two raters give items' means and each form's cut score with its error; a bad line is named."""
    items = [row["id"] for row in csv.DictReader(io.StringIO(_run("review-form", "--cycle", "1").stdout))]
    for rater, base in (("ann", 0.6), ("bo", 0.8)):
        (tmp_path / f"{rater}.csv").write_text("item,probability\n" + "".join(f"{i},{base}\n" for i in items))
    result = _run("standard-setting", "--cycles", "1", "--ratings", str(tmp_path / "ann.csv"),
                  "--ratings", str(tmp_path / "bo.csv"))
    assert result.exit_code == 0, result.output
    assert "1,70.0,10.00,2 raters" in result.stdout
    (tmp_path / "bad.csv").write_text("item,probability\nnope-001,0.5\n")
    bad = _run("standard-setting", "--ratings", str(tmp_path / "bad.csv"))
    assert bad.exit_code == 2 and "bad.csv: line 2: item 'nope-001' is not in the bank" in bad.stderr


def test_a_rater_who_skipped_items_is_named_not_a_traceback(here: Course, tmp_path: Path) -> None:
    """standard-setting, forms and review-form --fix all exit 2 naming the rater, file and items skipped."""
    items = [row["id"] for row in csv.DictReader(io.StringIO(_run("review-form", "--cycle", "3").stdout))]
    (tmp_path / "bo.csv").write_text("item,probability\n" + "".join(f"{i},0.7\n" for i in items[:-2]))
    ratings = ("--ratings", str(tmp_path / "bo.csv"))
    for command in (("standard-setting", "--cycles", "3"), ("forms", "--cycles", "1-3"),
                    ("review-form", "--cycle", "3", "--fix")):
        result = _run(*command, *ratings)
        assert result.exit_code == 2, command
        assert f"cycle 3's form: rater 'bo' (bo.csv) has not rated {', '.join(sorted(items[-2:]))}" in result.stderr
    assert "cycle: 3" not in here.forms_file.read_text()


def test_a_certificate_is_issued_as_a_credential_that_verifies(here: Course, tmp_path: Path) -> None:
    """Issue writes the PDF and the credential beside it; verify by code and by file says valid."""
    office = tmp_path / "office"
    setup = _run("certificate", "setup", "--name", "Board", "--url", "https://certification.example.org/coaches",
                 "--office", str(office))
    assert setup.exit_code == 0, setup.output
    result = _run("certificate", "issue", "--coach", "C042", "--name", "Ada Okafor", "--cycle", "1",
                  "--score", "88", "--date", "2026-11-29", "--output", str(tmp_path / "c.pdf"), "--events", office_log(tmp_path),
                  "--office", str(office))
    assert result.exit_code == 0, result.output
    code = re.search(r"Verification code: (\S+)", result.stdout).group(1)
    assert "C042,2026-11-29,review,,,88,,72.1,cycle-1" in result.stdout
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "c.json").exists()
    for reference in (code, str(tmp_path / "c.json")):
        verdict = _run("certificate", "verify", reference, "--published", str(office / "published"), "--on", "2027-01-01")
        assert verdict.exit_code == 0 and verdict.stdout.startswith("VALID"), verdict.output


def test_a_score_below_the_cut_score_gets_no_certificate(here: Course, tmp_path: Path) -> None:
    """A coach under the fixed form's cut score (or with a score that is not a number) is told so; nothing is written."""
    for score, message in (("40", "below the cut score"), ("nan", "not a percentage")):
        result = _run("certificate", "issue", "--coach", "C7", "--name", "Bo", "--cycle", "1", "--score", score,
                      "--output", str(tmp_path / "c.pdf"), "--events", office_log(tmp_path),
                      "--office", str(tmp_path / "office"))
        assert result.exit_code == 2 and message in result.stderr and not (tmp_path / "c.pdf").exists()
    assert not (tmp_path / "office").exists()


def _panel(here: Course, round_number: int, values: dict[str, float]) -> list[str]:
    """Rater files of one round for cycle 1's form, each rater at their own probability; the form's items."""
    items = [row["id"] for row in csv.DictReader(io.StringIO(_run("review-form", "--cycle", "1").stdout))]
    folder = here.ratings_dir / f"round-{round_number}"
    folder.mkdir(parents=True, exist_ok=True)
    for rater, value in values.items():
        (folder / f"{rater}.csv").write_text("item,probability\n" + "".join(f"{i},{value}\n" for i in items))
    return items


def test_standard_setting_reports_both_rounds_with_impact_and_each_raters_diagnostics(here: Course,
                                                                                        tmp_path: Path) -> None:
    """Round 1 and round 2 each give cycle 1 a cut with the share of past candidates reaching it, and each
    rater's own cut and deviation from the panel."""
    items = _panel(here, 1, {"ann": 0.6, "bo": 0.8})
    _panel(here, 2, {"ann": 0.7, "bo": 0.75})
    responses = tmp_path / "responses.csv"
    from trainingkit.bank import load_bank

    bank = load_bank(here.bank_dir)  # each candidate earns the same share of every item: kofi 100%, lena 71%, mo 50%
    responses.write_text("candidate,item,points\n" + "".join(
        f"{who},{item},{share * bank[item].points}\n" for who, share in (("kofi", 1), ("lena", 0.71), ("mo", 0.5))
        for item in items))
    result = _run("standard-setting", "--cycles", "1", "--responses", str(responses))
    assert result.exit_code == 0, result.output
    sections = result.stdout.split("\n\n")
    cuts = list(csv.DictReader(io.StringIO(sections[1])))
    assert [(c["round"], c["cut_score"], c["candidates"], c["share_passing"]) for c in cuts] == [
        ("2", "72.5", "3", "0.333"), ("1", "70.0", "3", "0.667")]
    raters = {(r["round"], r["rater"]): r for r in csv.DictReader(io.StringIO(sections[2]))}
    assert raters[("1", "bo")]["rater_cut"] == "80.0" and raters[("1", "bo")]["deviation"] == "+10.0"
    assert raters[("1", "ann")]["outlying_items"] == ""  # 0.2 from bo: at, not beyond, the line
    assert raters[("2", "ann")]["deviation"] == "-2.5"


def test_the_panels_cut_replaces_cycle_1s_provisional_one_on_record_and_not_after_a_sitting(here: Course) -> None:
    """review-form --set-cut gives cycle 1 the last round's cut with day, who and why; once a result is in the
    office's register, the cut stays."""
    import yaml

    _panel(here, 1, {"ann": 0.7, "bo": 0.73})
    result = _run("review-form", "--cycle", "1", "--set-cut", "--by", "Panel chair", "--why", "Angoff panel")
    assert result.exit_code == 0, result.output
    assert "cycle 1's cut score 72.1% -> 71.5% (2 raters)" in result.stderr
    [form] = [f for f in yaml.safe_load(here.forms_file.read_text())["forms"] if f["cycle"] == 1]
    assert form["cut_score"] == 71.5 and form["cut_source"] == "2 raters"
    [change] = form["cut_changes"]
    assert (change["was"], change["now"], change["by"], change["reason"]) == (72.1, 71.5, "Panel chair",
                                                                            "Angoff panel")
    register = here.root / "office" / "results.csv"
    register.parent.mkdir()
    register.write_text("coach_id,date,event,supervisor,hours,score,outcome,cut_score,form\n"
                        "C042,2026-12-07,review,,,80,,71.5,cycle-1\n")
    _panel(here, 2, {"ann": 0.75, "bo": 0.75})
    again = _run("review-form", "--cycle", "1", "--set-cut", "--by", "Panel chair", "--why", "round 2")
    assert again.exit_code == 2 and "already has 1 result(s) at cut score 71.5%" in again.stderr


ROSTER = "username,role,name,coach_id,email\nada,trainee,Ada Okafor,C001,\nkofi,trainee,Kofi Mensah,,\n"


def test_a_supervisor_opens_a_sitting_and_lists_the_register(here: Course, monkeypatch) -> None:
    """`review open --coach --due` opens a sitting of the first form, `review sittings` lists it as CSV,
    and a second open while it is in progress is refused with exit 2 and the reason."""
    import datetime as dt

    here.roster_file.write_text(ROSTER)
    monkeypatch.setenv("JUPYTERHUB_USER", "sam")
    due = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    opened = _run("review", "open", "--coach", "C001", "--due", due)
    assert opened.exit_code == 0 and opened.stdout == (
        f"opened sitting 1: coach C001 (ada), ethics-review (form cycle-1), due {due}\n")
    again = CliRunner().invoke(main, ["review", "open", "--coach", "C001", "--due", due])
    assert again.exit_code == 2 and "coach C001: sitting 1 (cycle-1" in again.stderr and "one sitting at a time" in \
        again.stderr
    rows = list(csv.DictReader(io.StringIO(_run("review", "sittings").stdout)))
    assert [(r["coach_id"], r["username"], r["form_id"], r["opened_by"], r["due"], r["state"]) for r in rows] == [
        ("C001", "ada", "cycle-1", "sam", due, "open")]


@pytest.mark.parametrize("args, message", [
    (["--coach", "C404", "--due", "2099-01-01"], "coach C404 is not on the course's roster"),
    (["--coach", "C001"], "coach C001: --due YYYY-MM-DD is needed"),
    ([], "name one coach (--coach C --due YYYY-MM-DD) or open from the office's list (--office)"),
    (["--office"], "--office needs the office's list"),
])
def test_opening_a_sitting_wrongly_is_refused_in_one_line(here: Course, monkeypatch, args, message) -> None:
    here.roster_file.write_text(ROSTER)
    monkeypatch.delenv("TRAININGKIT_REVIEW_WINDOWS", raising=False)
    result = CliRunner().invoke(main, ["review", "open", *args])
    assert result.exit_code == 2 and result.stderr == f"Error: {message}" + result.stderr.split(message, 1)[1]
    assert len(result.stderr.strip().splitlines()) == 1 and not (here.course_store / "sittings.jsonl").exists()


def test_a_supervisor_opens_no_third_sitting_in_a_coachs_window(here: Course, monkeypatch) -> None:
    """Two sittings failed in the window: `review open --coach` is refused with exit 2, in one line saying why."""
    import datetime as dt

    from trainingkit.exam.sitting_register import SittingRegister
    from trainingkit.exam.sittings import submit

    here.roster_file.write_text(ROSTER)
    monkeypatch.delenv("TRAININGKIT_REVIEW_WINDOWS", raising=False)
    register = SittingRegister.of(here)
    due = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    for _ in range(2):
        assert _run("review", "open", "--coach", "C001", "--due", due, "--by", "sam").exit_code == 0
        sitting = register.sittings()[-1]
        register.submitted(submit(sitting, dt.datetime.now(dt.timezone.utc)))
        register.record_results([("C001", sitting.form_id, 10.0, 70.0)])
    refused = CliRunner().invoke(main, ["review", "open", "--coach", "C001", "--due", due, "--by", "sam"])
    assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "coach C001: 2 review sittings since their renewal window opened on" in refused.stderr
    assert len(register.sittings()) == 2


def test_the_office_list_opens_sittings_from_the_command(here: Course, tmp_path: Path) -> None:
    import datetime as dt

    from trainingkit.renewal.windows import Window, windows_csv

    here.roster_file.write_text(ROSTER)
    windows = tmp_path / "open.csv"
    today = dt.date.today()
    windows.write_text(windows_csv([Window("C001", today, today + dt.timedelta(days=30)),
                                    Window("C777", today, today + dt.timedelta(days=30))]))
    result = CliRunner().invoke(main, ["review", "open", "--office", "--windows", str(windows)])
    assert result.exit_code == 0 and result.stdout.startswith("opened sitting 1: coach C001 (ada), ethics-review")
    assert "not opened: coach C777: not on the course's roster" in result.stderr
