"""The item CSV and summary CSV of one assignment, and `trainingkit items` on bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from trainingkit.bank.model import Kind, Option, Vignette
from trainingkit.course import Course
from trainingkit.items.cli import items
from trainingkit.items.analysis import fully_graded, scores_table
from trainingkit.items.report import (ItemReport, analyse, items_csv, reliability_csv, retirements_csv,
                                      summary_csv)


def _vignette(item_id: str, kind: Kind, points: float, options: str = "") -> Vignette:
    return Vignette(id=item_id, domain="scope", title=item_id, scenario="", question="", kind=kind,
                    points=points, rationale="", code_section="",
                    options=tuple(Option(o, o, "") for o in options), key=frozenset(options[:1]))


@pytest.fixture
def report() -> ItemReport:
    """The hand-computed fixture of test_analysis: A single choice, B multiple select, C a reflection."""
    scores = pd.DataFrame({"A": [1, 1, 0, 1, 0], "B": [0, 1, 1, 0, 0], "C": [2, 2, 1, 0, 1]},
                          index=pd.Index(["t1", "t2", "t3", "t4", "t5"], name="trainee"), dtype=float)
    long = scores.rename_axis(columns="item").stack().rename("score").reset_index()
    long["max_score"] = long["item"].map({"A": 1.0, "B": 1.0, "C": 2.0})
    choices = pd.DataFrame([("t1", "A", "a"), ("t2", "A", "a"), ("t3", "A", "b"), ("t5", "A", "c"),
                            ("t1", "B", "a"), ("t1", "B", "c")], columns=["trainee", "item", "option"])
    vignettes = [_vignette("C", Kind.REFLECTION, 2), _vignette("A", Kind.SINGLE, 1, "abc"),
                 _vignette("B", Kind.MULTIPLE, 1, "abcd")]
    rows, summary = analyse(long.iloc[::-1], choices, vignettes)
    table, max_points = scores_table(long)
    return ItemReport("practice-demo", rows, summary, (), fully_graded(table), max_points, 50.0)


def test_item_csv_has_one_row_per_item_in_the_assignment_order(report: ItemReport) -> None:
    """The item CSV lists the items in the vignettes' order with the hand-computed values and shares."""
    assert items_csv(report) == (
        "item,domain,kind,trainees,max_points,facility,sd,discrimination,discriminative_efficiency,flags,"
        "no_answer,chose_a,chose_b,chose_c,chose_d\n"
        "C,scope,reflection,5,2,0.6000,0.4183,0.4226,0.5000,,,,,,\n"
        "A,scope,single,5,1,0.6000,0.5477,0.0801,0.0909,low_discrimination,0.2000,0.4000,0.2000,0.2000,\n"
        "B,scope,multiple,5,1,0.4000,0.5477,0.1667,0.1667,low_discrimination,0.8000,0.2000,0.0000,0.2000,0.0000\n"
    )


def test_summary_csv_is_one_row_of_assignment_statistics(report: ItemReport) -> None:
    """The summary CSV holds the hand-computed CIC 6/17, error ratio sqrt(11/17) and SE sqrt(1.1)."""
    assert summary_csv(report) == (
        "assignment,trainees,not_fully_graded,items,max_points,mean_points,median_points,sd_points,cic,"
        "error_ratio,standard_error_points\n"
        "practice-demo,5,0,3,4,2.2000,2.0000,1.3038,0.3529,0.8044,1.0488\n"
    )


def test_reliability_csv_is_one_row_with_alpha_sem_and_the_cut(report: ItemReport) -> None:
    """Alpha is the CIC 6/17, its SEM sqrt(1.1); at the 50% pass mark the cut is 2 of 4 points.

    Lord's SEM at the cut: x = 1.5 of 3 items, sqrt(1.5 * 1.5 / 2) = 1.0607 items, times 4/3 points
    per item = 1.4142 points. Totals 3 4 2 1 1 of 4: three of five reach 2 points, a pass rate of 0.6.
    """
    header, row = reliability_csv(report).splitlines()
    assert header == ("assignment,trainees,items,max_points,coefficient_name,coefficient,sd_points,sem_points,"
                      "cut_percent,cut_points,sem_at_cut_points,pass_rate,decision_consistency,kappa")
    assert row.startswith("practice-demo,5,3,4,alpha,0.3529,1.3038,1.0488,50,2.0000,1.4142,0.6000,")


def test_retirements_csv_lists_flagged_items_as_watched_below_thirty_trainees(report: ItemReport) -> None:
    """With five trainees A and B (discrimination under 0.2) are watched, with no bank line yet; C is fine."""
    assert retirements_csv(report, "2026-12-06") == (
        "item,trainees,facility,discrimination,reasons,action,bank_line\n"
        "A,5,0.6000,0.0801,discrimination 0.08 below 0.20,watch,\n"
        "B,5,0.4000,0.1667,discrimination 0.17 below 0.20,watch,\n")


@pytest.fixture
def in_course(course_copy: Course, monkeypatch: pytest.MonkeyPatch) -> Course:
    """The working folder is a course copy with no gradebook, whatever the environment says."""
    monkeypatch.chdir(course_copy.root)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    monkeypatch.delenv("TRAININGKIT_DB_URL", raising=False)
    return course_copy


def test_an_unknown_assignment_is_named(in_course: Course) -> None:
    """Asking about an assignment that does not exist exits 2 and names it and the assignments file."""
    result = CliRunner().invoke(items, ["no-such-assignment"])
    assert result.exit_code == 2
    assert "no-such-assignment" in result.output and "assignments.yaml" in result.output


def test_no_gradebook_is_reported_and_none_is_created(in_course: Course) -> None:
    """Without a gradebook the command exits 2 saying so, and leaves no empty gradebook behind."""
    result = CliRunner().invoke(items, ["practice-foundations", "--summary"])
    assert result.exit_code == 2
    assert "no gradebook" in result.output and "practice-foundations" in result.output
    assert not (in_course.coursework / "gradebook.db").exists()


def test_only_one_view_is_printed_at_a_time(in_course: Course) -> None:
    """--summary, --reliability and --retirements exclude each other, exit 2."""
    result = CliRunner().invoke(items, ["practice-foundations", "--summary", "--reliability"])
    assert result.exit_code == 2 and "choose one of --summary, --reliability and --retirements" in result.output
