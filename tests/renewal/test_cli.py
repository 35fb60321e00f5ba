"""``trainingkit renewal`` driven through click's CliRunner (trainingkit.renewal.cli)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainingkit.renewal.cli import renewal
from trainingkit.renewal.commands import REPORT_FILES

from .conftest import WriteLog

GOOD = (
    "C2,2023-01-01,certified,,,,",
    "C1,2024-02-29,certified,,,,",
    "C1,2025-12-01,review,,,85,",
    "C2,2024-06-01,charged,,,,",
)
BAD_RENEWAL = ("C1,2024-02-29,certified,,,,", "C1,2025-12-01,renewed,,,,")


def run(*arguments: str) -> tuple[int, str, str]:
    """Run the command group; return exit code, stdout and stderr."""
    result = CliRunner().invoke(renewal, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def test_status_prints_one_csv_row_per_coach_sorted_by_coach(write_log: WriteLog) -> None:
    """The CSV goes to stdout when no --output is given."""
    code, out, _ = run("status", "--events", str(write_log(*GOOD)), "--on", "2025-12-02")
    assert code == 0
    assert out.splitlines() == [
        "coach_id,status,expires_on,grace_ends_on,flags,renewed_on",
        "C1,ready_to_renew,2026-02-28,2026-08-28,,",
        "C2,supervision_required,2025-01-01,2025-07-01,unreported_charge,",
    ]


def test_status_writes_a_private_file_with_output(write_log: WriteLog, tmp_path: Path) -> None:
    """--output writes the same CSV, mode 0600, and prints nothing."""
    target = tmp_path / "status.csv"
    code, out, _ = run("status", "--events", str(write_log(*GOOD)), "--on", "2025-12-02",
                       "--output", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("coach_id,status") and stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        (("C1,2024-02-29,certified,,,,", "C1,2025-12-01,review,,,180,"), "line 3, column score",
         "outside 0 to 100"),
        (("C1,2024-02-29,certified,,,,", "C1,2025-12-01,sabbatical,,,,"), "line 3, column event",
         "unknown event"),
        (("C1,2024-02-29,certified,,,,", "C1,2025-12-1,review,,,90,"), "line 3, column date", "YYYY-MM-DD"),
        (BAD_RENEWAL, "line 3, column event", "renewed without a review passed"),
        (("C1,2024-02-29,review,,,90,",), "line 2, column event", "before the coach's first certification"),
    ],
)
def test_input_that_breaks_a_rule_exits_2_naming_the_line_and_column_and_writes_nothing(
    write_log: WriteLog, tmp_path: Path, rows: tuple[str, ...], where: str, message: str
) -> None:
    """Exit status 2, the file, line and column in the message, and no output file."""
    events = write_log(*rows)
    target = tmp_path / "status.csv"
    code, out, err = run("status", "--events", str(events), "--on", "2025-12-02", "--output", str(target))
    assert code == 2 and out == ""
    assert f"{events}, {where}: " in err and message in err
    assert not target.exists()


def test_a_failed_status_run_keeps_the_previous_output_file(write_log: WriteLog, tmp_path: Path) -> None:
    """Nothing already saved is lost when the input is bad."""
    target = tmp_path / "status.csv"
    target.write_text("yesterday's status\n")
    code, _, _ = run("status", "--events", str(write_log(*BAD_RENEWAL)), "--on", "2025-12-02",
                     "--output", str(target))
    assert code == 2 and target.read_text() == "yesterday's status\n"


def test_a_malformed_on_date_is_a_usage_error(write_log: WriteLog) -> None:
    """--on must be YYYY-MM-DD."""
    code, _, err = run("status", "--events", str(write_log(*GOOD)), "--on", "02/12/2025")
    assert code == 2 and "--on" in err


def test_the_results_register_counts_toward_renewal_at_each_forms_cut_score(write_log: WriteLog) -> None:
    """--results adds released reviews: 72.1 against a cut of 72.1 passes, 72.06 against it does not."""
    events = write_log("C1,2024-02-29,certified,,,,", "C2,2024-01-01,certified,,,,")
    register = write_log("C1,2025-12-01,review,,,72.1,,72.1,cycle-1", "C2,2025-12-01,review,,,72.06,,72.1,cycle-1",
                         "C9,2025-12-01,review,,,90,,72.1,cycle-1", name="results.csv")
    code, out, _ = run("status", "--events", str(events), "--on", "2025-12-02", "--results", str(register))
    assert code == 0
    assert "C1,ready_to_renew,2026-02-28,2026-08-28,," in out.splitlines()
    assert "C2,renewal_due,2026-01-01,2026-07-01,," in out.splitlines()
    assert "C9" not in out  # a result of someone the log does not certify is left out


def test_a_bad_results_register_exits_2_naming_its_line_and_writes_nothing(write_log: WriteLog,
                                                                          tmp_path: Path) -> None:
    """A register line that is not a review, or a cut score outside 0 to 100, stops the command."""
    target = tmp_path / "status.csv"
    register = write_log("C1,2025-12-01,review,,,80,,172.1,cycle-1", "C1,2025-12-01,renewed,,,,", name="results.csv")
    code, _, err = run("status", "--events", str(write_log(*GOOD)), "--on", "2025-12-02",
                       "--results", str(register), "--output", str(target))
    assert code == 2 and "line 2, column cut_score: cut_score 172.1 is outside 0 to 100" in err
    assert not target.exists()
    register.write_text(register.read_text().replace(",172.1,", ",72.1,"))
    code, _, err = run("status", "--events", str(write_log(*GOOD)), "--on", "2025-12-02", "--results", str(register))
    assert code == 2 and "line 3, column event: the results register holds review lines only" in err


def test_a_missing_results_register_means_nothing_released_yet(write_log: WriteLog, tmp_path: Path) -> None:
    """--results naming a file not made yet reads as no results, not an error."""
    code, _, _ = run("status", "--events", str(write_log(*GOOD)), "--on", "2025-12-02",
                     "--results", str(tmp_path / "none-yet.csv"))
    assert code == 0


def test_record_writes_a_review_with_its_cut_score_and_form(write_log: WriteLog) -> None:
    """renewal record --cut-score --form writes them on the line; a review without them is refused."""
    events = write_log("C1,2024-02-29,certified,,,,")
    code, out, _ = run("record", "--events", str(events), "--coach", "C1", "--date", "2025-12-01",
                       "--event", "review", "--score", "72.06", "--cut-score", "72.1", "--form", "cycle-1")
    assert code == 0 and events.read_text().endswith("C1,2025-12-01,review,,,72.06,,72.1,cycle-1\n")
    code, _, err = run("record", "--events", str(events), "--coach", "C1", "--date", "2025-12-02",
                       "--event", "review", "--score", "85")
    assert code == 2 and "no cut score and form" in err


def test_report_writes_the_summaries_and_the_plot_privately(write_log: WriteLog, tmp_path: Path) -> None:
    """CSV and Markdown summaries and a PNG, each mode 0600, in a 0700 directory."""
    out_dir = tmp_path / "report"
    code, out, _ = run("report", "--events", str(write_log(*GOOD)), "--on", "2025-12-02",
                       "--output-dir", str(out_dir))
    assert code == 0
    assert sorted(path.name for path in out_dir.iterdir()) == sorted(REPORT_FILES.values())
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in out_dir.iterdir())
    assert stat.S_IMODE(out_dir.stat().st_mode) == 0o700
    assert (out_dir / REPORT_FILES["due_plot"]).read_bytes().startswith(b"\x89PNG")
    assert "## Lapsed" in (out_dir / REPORT_FILES["summary"]).read_text()
    assert len(out.splitlines()) == len(REPORT_FILES)


def test_a_failed_review_appears_in_the_report_csv_and_summary(write_log: WriteLog, tmp_path: Path) -> None:
    """A score of 72 under its form's cut score 72.1 is counted, and C1 is listed as needing a retake."""
    out_dir = tmp_path / "report"
    events = write_log("C1,2024-02-29,certified,,,,", "C1,2025-11-20,review,,,72,,72.1,cycle-1",
                       "C2,2024-01-01,certified,,,,", "C2,2025-11-01,review,,,60,,72.1,cycle-1",
                       "C2,2025-11-05,review,,,88,,72.1,cycle-1")
    code, _, _ = run("report", "--events", str(events), "--on", "2025-12-02", "--output-dir", str(out_dir))
    assert code == 0
    reviews = (out_dir / REPORT_FILES["reviews"]).read_text().splitlines()
    assert reviews == [
        "coach_id,status,review_attempts,failed_reviews,last_review_on,last_score,last_cut_score,last_form,"
        "last_review_failed,last_review",
        "C1,renewal_due,1,1,2025-11-20,72,72.1,cycle-1,yes,72 / 72.1",
        "C2,ready_to_renew,2,1,2025-11-05,88,72.1,cycle-1,no,88 / 72.1",
    ]
    summary = (out_dir / REPORT_FILES["summary"]).read_text()
    assert "3 attempts by 2 coaches, 2 of them failed." in summary
    failed = summary.split("## Latest review failed")[1].split("##")[0]
    assert "| C1 |" in failed and "| 72 / 72.1 |" in failed and "| C2 |" not in failed


def test_a_pseudonymised_report_names_no_coach(write_log: WriteLog, tmp_path: Path) -> None:
    """--pseudonymise keeps real coach ids out of every file."""
    out_dir = tmp_path / "report"
    run("report", "--events", str(write_log(*GOOD)), "--on", "2025-12-02", "--output-dir", str(out_dir),
        "--pseudonymise")
    for path in out_dir.glob("*.[cm][sd]*"):
        text = path.read_text()
        assert "C1" not in text and "C2" not in text


def test_a_report_on_bad_input_creates_no_directory(write_log: WriteLog, tmp_path: Path) -> None:
    """Exit 2 and nothing written."""
    out_dir = tmp_path / "report"
    code, _, err = run("report", "--events", str(write_log(*BAD_RENEWAL)), "--on", "2025-12-02",
                       "--output-dir", str(out_dir))
    assert code == 2 and "line 3" in err and not out_dir.exists()


def test_timeline_writes_one_coachs_history_as_a_private_png(write_log: WriteLog, tmp_path: Path) -> None:
    """The timeline command draws the coach's history through --on."""
    target = tmp_path / "c1.png"
    code, _, _ = run("timeline", "--events", str(write_log(*GOOD)), "--coach", "C1",
                     "--output", str(target), "--on", "2026-06-01")
    assert code == 0 and target.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_timeline_of_an_unknown_coach_exits_2(write_log: WriteLog, tmp_path: Path) -> None:
    """A coach the log never names is reported, and no PNG is written."""
    target = tmp_path / "c9.png"
    code, _, err = run("timeline", "--events", str(write_log(*GOOD)), "--coach", "C9",
                       "--output", str(target), "--on", "2026-06-01")
    assert code == 2 and "C9" in err and not target.exists()


def test_timeline_checks_the_whole_log_first(write_log: WriteLog, tmp_path: Path) -> None:
    """A broken renewal anywhere in the log stops the timeline too."""
    target = tmp_path / "c1.png"
    code, _, err = run("timeline", "--events", str(write_log(*BAD_RENEWAL)), "--coach", "C1",
                       "--output", str(target), "--on", "2026-06-01")
    assert code == 2 and "line 3" in err and not target.exists()


def test_registering_the_command_group_imports_no_heavy_library() -> None:
    """Importing the click group (done by every `trainingkit` call) stays cheap."""
    import subprocess
    import sys

    code = ("import sys, trainingkit.renewal.cli; "
            "print(*(name in sys.modules for name in ('numpy', 'pandas', 'matplotlib', 'nbgrader')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False"] * 4


def test_record_adds_a_checked_line_and_refuses_a_bad_event_without_writing(tmp_path: Path) -> None:
    """`renewal record` appends one whole line; an unknown event or a missing detail exits 2 and adds nothing."""
    log = tmp_path / "coaches.csv"
    code, out, _ = run("record", "--events", str(log), "--coach", "C1", "--date", "2024-01-01", "--event", "certified")
    assert code == 0 and out == f"added to {log}: C1,2024-01-01,certified,,,,,,\n"
    before = log.read_bytes()
    code, _, err = run("record", "--events", str(log), "--coach", "C1", "--date", "2024-01-02", "--event", "reveiw")
    assert code == 2 and "did you mean 'review'?" in err
    code, _, err = run("record", "--events", str(log), "--coach", "C1", "--date", "2024-01-02", "--event", "review")
    assert code == 2 and "a review needs a score" in err
    assert log.read_bytes() == before
    code, _, _ = run("record", "--events", str(log), "--coach", "C1", "--date", "2025-12-01", "--event", "review",
                     "--score", "85", "--cut-score", "72.1", "--form", "cycle-1")
    assert code == 0
    code, out, _ = run("status", "--events", str(log), "--on", "2025-12-02")
    assert out.splitlines()[1].startswith("C1,ready_to_renew")


def test_record_refuses_a_renewal_the_log_cannot_hold_in_one_line_and_leaves_the_log_as_it_was(
        write_log: WriteLog, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 2 and one line naming the file, the line the renewal would be and the rule; the log is
    byte-identical after; with the register's pass ($TRAININGKIT_RESULTS) the same renewal is added."""
    monkeypatch.delenv("TRAININGKIT_RESULTS", raising=False)
    log = write_log("C1,2024-02-29,certified,,,,,,")
    before = log.read_bytes()
    arguments = ("record", "--events", str(log), "--coach", "C1", "--date", "2025-12-06", "--event", "renewed")
    code, out, err = run(*arguments)
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1, err
    assert f"{log}, line 3, column event: coach C1: renewed without a review passed" in err
    assert err.strip().endswith("(the line being added); nothing was added")
    assert log.read_bytes() == before
    register = write_log("C1,2025-12-06,review,,,90,,72.1,cycle-1", name="results.csv")
    monkeypatch.setenv("TRAININGKIT_RESULTS", str(register))
    code, out, err = run(*arguments)
    assert code == 0 and out == f"added to {log}: C1,2025-12-06,renewed,,,,,,\n", err
    code, out, _ = run("status", "--events", str(log), "--on", "2025-12-07")
    assert out.splitlines()[1] == "C1,certified,2028-02-28,2028-08-28,,2025-12-06"
