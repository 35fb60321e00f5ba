"""The supervisor dashboard's data and plots, without a graded course."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from trainingkit.answers import save_answer
from trainingkit.course import Course
from trainingkit.items import plots
from trainingkit.items.dashboard import (RENEWAL_PIPELINE, assignment_progress, gather, lesson_progress,
                                         read_renewal)

PLOTS = (plots.plot_progress, plots.plot_progress_by_trainee, plots.plot_domain_scores,
         plots.plot_item_quality, plots.plot_renewal_pipeline)


@pytest.fixture
def ungraded(course_copy: Course, monkeypatch: pytest.MonkeyPatch) -> Course:
    """A course copy with no gradebook, whatever the environment names."""
    monkeypatch.delenv("TRAININGKIT_DB_URL", raising=False)
    monkeypatch.delenv("TRAININGKIT_PSEUDONYM_SALT", raising=False)
    return course_copy


def test_without_trainees_a_labelled_demonstration_cohort_is_drawn(ungraded: Course) -> None:
    """No gradebook and no lesson answers give made-up trainees, said to be made up, on the real course."""
    cohort = gather(course=ungraded, pseudonymise=False)
    assert cohort.demonstration and cohort.renewal_demonstration
    assert "Demonstration data" in cohort._repr_markdown_()
    assert cohort.progress.index[0] == "Demo trainee 01"
    assert "practice-foundations" in cohort.progress.columns and "00-welcome" in cohort.progress.columns
    assert set(cohort.items["assignment"]) <= set(cohort.progress.columns)
    assert not (ungraded.coursework / "gradebook.db").exists()


def test_the_demonstration_cohort_is_the_same_every_time(ungraded: Course) -> None:
    """Two dashboards drawn from the same seed hold identical data."""
    first, second = gather(course=ungraded), gather(course=ungraded)
    pd.testing.assert_frame_equal(first.progress, second.progress)
    pd.testing.assert_frame_equal(first.items, second.items)
    pd.testing.assert_frame_equal(first.renewal, second.renewal)


def test_one_switch_replaces_every_name_by_a_pseudonym(ungraded: Course) -> None:
    """With pseudonymise on, no trainee or coach name is left, only "Trainee XXXX" and "Coach XXXX"."""
    cohort = gather(course=ungraded, pseudonymise=True, salt="private")
    names = [*cohort.progress.index, *cohort.scores["trainee"]]
    assert all(re.fullmatch(r"Trainee [0-9A-F]{4,}", name) for name in names)
    assert all(re.fullmatch(r"Coach [0-9A-F]{4,}", coach) for coach in cohort.renewal["coach_id"])
    assert len(set(cohort.progress.index)) == len(cohort.progress)


def test_lesson_progress_comes_from_trainees_homes(ungraded: Course, tmp_path: Path) -> None:
    """Answers in a trainee's lessons mark a lesson started or done; real trainees replace the demonstration."""
    (tmp_path / "homes" / "ada" / "notebooks").mkdir(parents=True)
    for check in ("l00-c1", "l00-c2", "l01-c1"):
        save_answer(tmp_path / "homes" / "ada" / "notebooks" / "answers.json", check, "a")
    (tmp_path / "homes" / "ben" / "notebooks").mkdir(parents=True)
    cohort = gather(course=ungraded, pseudonymise=False, trainee_homes=tmp_path / "homes")
    assert not cohort.demonstration
    first_lessons = ["00-welcome", "01-trauma-informed-care", "02-coaching-and-therapy"]
    assert cohort.progress.loc["ada", first_lessons].tolist() == [2, 1, 0]
    assert list(cohort.progress.index) == ["ada"]
    assert (cohort.progress.loc[:, cohort.stage_kinds == "assignment"] == 0).all().all()
    for draw in PLOTS:
        assert isinstance(draw(cohort), Figure)


def test_progress_levels_follow_answers_and_grades() -> None:
    """A lesson is 0, 1 or 2 by checks answered; an assignment 0 unsubmitted, 1 awaiting a grade, 2 graded."""
    lessons = lesson_progress({"ada": ["l1-a", "l1-b", "l2-a"], "ben": []},
                              {"one": ("l1-a", "l1-b"), "two": ("l2-a", "l2-b")})
    assert lessons.to_dict("index") == {"ada": {"one": 2, "two": 1}, "ben": {"one": 0, "two": 0}}
    scores = pd.DataFrame([("ada", "p1", "x", 1.0, 1.0), ("ada", "p1", "r", float("nan"), 2.0),
                           ("ben", "p1", "x", 0.0, 1.0), ("ben", "p1", "r", 1.0, 2.0)],
                          columns=["trainee", "assignment", "item", "score", "max_score"])
    levels = assignment_progress(scores, ["ada", "ben", "cal"], ["p1", "p2"])
    assert levels.to_dict("index") == {"ada": {"p1": 1, "p2": 0}, "ben": {"p1": 2, "p2": 0},
                                       "cal": {"p1": 0, "p2": 0}}


def test_renewal_statuses_are_read_from_the_status_csv(ungraded: Course, tmp_path: Path) -> None:
    """The CSV `trainingkit renewal status` writes feeds the renewal pipeline."""
    path = tmp_path / "status.csv"
    path.write_text("coach_id,status,expires_on,grace_ends_on,flags\nc1,certified,2026-01-01,2026-07-01,\n"
                    "c2,lapsed,2025-01-01,2025-07-01,\n")
    cohort = gather(course=ungraded, pseudonymise=False, renewal_status_csv=path)
    assert not cohort.renewal_demonstration
    assert cohort.renewal.to_dict("list") == {"coach_id": ["c1", "c2"], "status": ["certified", "lapsed"]}


def test_an_unusable_renewal_file_is_named_and_the_dashboard_still_draws(ungraded: Course, tmp_path: Path) -> None:
    """A CSV without a status column is named in the notes and made-up coaches are shown, labelled."""
    path = tmp_path / "wrong.csv"
    path.write_text("name,when\nc1,2024-01-01\n")
    cohort = gather(course=ungraded, renewal_status_csv=path)
    assert cohort.renewal_demonstration
    assert any("wrong.csv" in note and "status" in note for note in cohort.notes)


def test_renewal_statuses_can_come_from_the_event_log(tmp_path: Path) -> None:
    """The certification office's event log gives each coach's status on a date through trainingkit.renewal."""
    pytest.importorskip("trainingkit.renewal.logfile")
    path = tmp_path / "events.csv"
    path.write_text("coach_id,date,event,supervisor,hours,score,outcome\n"
                    "c1,2024-01-10,certified,,,,\nc2,2020-01-10,certified,,,,\n")
    frame, source = read_renewal(events_csv=path, on=date(2024, 6, 1))
    assert frame.to_dict("list") == {"coach_id": ["c1", "c2"], "status": ["certified", "supervision_required"]}
    assert "2024-06-01" in source


def test_the_pipeline_order_knows_every_renewal_status() -> None:
    """Every status trainingkit.renewal can give has its place in the renewal pipeline plot."""
    status = pytest.importorskip("trainingkit.renewal.status")
    assert {str(s) for s in status.Status} == set(RENEWAL_PIPELINE)


def test_without_a_course_the_dashboard_still_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside any course folder a made-up course and cohort are drawn, and the notes say why."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRAININGKIT_ROOT", raising=False)
    cohort = gather()
    assert cohort.demonstration and any("no trainingkit course" in note for note in cohort.notes)
    for draw in PLOTS:
        figure = draw(cohort)
        assert "DEMONSTRATION" in figure.get_suptitle()
    assert set(plots.flagged_items(cohort)["flags"]) <= {flag for flag in cohort.items["flags"] if flag}


def test_a_large_cohort_shows_the_trainees_furthest_behind(ungraded: Course) -> None:
    """With more trainees than fit, the per-trainee grid keeps those who have done least, and says so."""
    cohort = gather(course=ungraded, pseudonymise=False)
    figure = plots.plot_progress_by_trainee(cohort, limit=5)
    shown = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    least = cohort.progress.sum(axis=1).sort_values(kind="stable").index[:5]
    assert sorted(shown) == sorted(least) and "5 trainees furthest behind" in figure.get_suptitle()
