"""The supervisor dashboard's data: cohort progress, scores by domain, item quality, renewals.

:func:`gather` reads everything once (gradebook, submissions, the results register, and
lesson answers or the office's log where it is given them) and returns a :class:`Cohort`
the plots in :mod:`trainingkit.items.plots` draw. It reads only what a supervisor may see
(:mod:`trainingkit.items.visible`) and lists what it cannot in :attr:`Cohort.cannot_see`.
It never fails: when it finds no trainee at all it returns a clearly labelled
demonstration cohort (:mod:`trainingkit.items.demo`), and anything it cannot read is
named in :attr:`Cohort.notes`.

Progress levels: 0 not started (lesson) or not submitted (assignment); 1 started, or
submitted and waiting for a grade; 2 every check answered, or fully graded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from trainingkit.course import COURSE_ID, Course
from trainingkit.items.analysis import item_statistics, scores_table
from trainingkit.items.outline import Outline, builtin_outline, course_outline
from trainingkit.items.pseudonyms import pseudonymise as pseudonym_map
from trainingkit.items.settings import DEFAULT_RANGES, HealthyRanges
from trainingkit.items.sources import SCORE_COLUMNS

__all__ = ["LESSON_ANSWERS", "PROGRESS_LABELS", "RENEWAL_PIPELINE", "SALT_VARIABLE", "Cohort",
           "assignment_progress", "domain_scores", "gather", "item_quality", "lesson_progress",
           "read_lesson_answers", "read_renewal"]

#: Where a trainee's lesson answers live, inside their home folder.
LESSON_ANSWERS = Path("notebooks") / "answers.json"
#: Environment variable holding the salt of pseudonyms (the course id when unset).
SALT_VARIABLE = "TRAININGKIT_PSEUDONYM_SALT"
#: What each progress level means, for lessons and for assignments.
PROGRESS_LABELS = {
    "lesson": ("not started", "started", "every check answered"),
    "assignment": ("not submitted", "submitted, awaiting a grade", "graded"),
}
#: Renewal statuses in the order a coach meets them, then the conduct statuses.
RENEWAL_PIPELINE = ("not_certified", "certified", "renewal_due", "ready_to_renew", "lapsed",
                    "supervision_required", "referred", "suspended", "revoked")


@dataclass(frozen=True)
class Cohort:
    """Everything the dashboard plots, with names already pseudonymised if that was asked."""

    #: Where the trainees' data come from, in words.
    source: str
    #: True when the trainees are made up (no real trainee was found).
    demonstration: bool
    #: One row per trainee, one column per stage (lessons, then assignments): levels 0, 1, 2.
    progress: pd.DataFrame
    #: ``"lesson"`` or ``"assignment"`` for every column of ``progress``.
    stage_kinds: pd.Series
    #: Long-form scores with their domain: trainee, assignment, item, score, max_score, domain.
    scores: pd.DataFrame
    #: Item statistics per assignment: assignment, item, domain and the analysis columns.
    items: pd.DataFrame
    #: One row per coach: coach_id, status.
    renewal: pd.DataFrame
    renewal_source: str
    renewal_demonstration: bool
    ranges: HealthyRanges = DEFAULT_RANGES
    notes: tuple[str, ...] = field(default=())
    #: What the dashboard cannot see from where it runs (private homes, the office's own log).
    cannot_see: tuple[str, ...] = field(default=())

    def _repr_markdown_(self) -> str:
        lines = []
        if self.demonstration:
            lines.append("**Demonstration data.** No trainee was found, so every trainee below is made up "
                         "(generated from a fixed seed). Real trainees appear here once assignments are "
                         "autograded or lesson answers are found.")
        lines.append(f"- Trainees: {len(self.progress)} ({self.source})")
        lines.append(f"- Renewals: {len(self.renewal)} coaches ({self.renewal_source})")
        lines += [f"- Note: {note}" for note in self.notes]
        if self.cannot_see:
            lines.append("\n**What this dashboard cannot see**\n")
            lines += [f"- {line}" for line in self.cannot_see]
        return "\n".join(lines)


def lesson_progress(answered: Mapping[str, Iterable[str]],
                    lesson_checks: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Level per trainee and lesson from the question ids each trainee has answered."""
    rows = {}
    for trainee, ids in answered.items():
        done = set(ids)
        rows[trainee] = [0 if not done.intersection(checks) else 2 if done.issuperset(checks) else 1
                         for checks in lesson_checks.values()]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(lesson_checks), dtype=int)


def assignment_progress(scores: pd.DataFrame, trainees: Iterable[str], assignments: Iterable[str]) -> pd.DataFrame:
    """Level per trainee and assignment: 0 no submission, 1 some grade missing, 2 fully graded."""
    graded = scores.assign(graded=scores["score"].notna()).groupby(["trainee", "assignment"])["graded"].all()
    levels = np.where(graded.to_numpy(), 2, 1)
    table = pd.Series(levels, index=graded.index).unstack("assignment")
    names = sorted(set(trainees) | set(scores["trainee"]))
    return table.reindex(index=names, columns=list(assignments)).fillna(0).astype(int)


def item_quality(scores: pd.DataFrame, outline: Outline, ranges: HealthyRanges = DEFAULT_RANGES) -> pd.DataFrame:
    """Item statistics of every assignment with scores, one row per assignment and item."""
    tables = []
    for assignment, rows in scores.groupby("assignment", sort=False):
        table, max_points = scores_table(rows)
        statistics = item_statistics(table, max_points, ranges=ranges).reset_index()
        statistics.insert(0, "assignment", assignment)
        statistics.insert(2, "domain", [outline.domain_of(item) for item in statistics["item"]])
        tables.append(statistics)
    if not tables:
        return pd.DataFrame(columns=["assignment", "item", "domain", "trainees", "max_points", "facility",
                                     "sd", "discrimination", "discriminative_efficiency", "flags"])
    return pd.concat(tables, ignore_index=True)


def domain_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Share of the points each trainee earned per domain, over every graded item (trainee x domain)."""
    graded = scores.dropna(subset=["score"])
    sums = graded.groupby(["trainee", "domain"])[["score", "max_score"]].sum()
    shares = (sums["score"] / sums["max_score"].where(sums["max_score"] > 0))
    return shares.unstack("domain")


def read_lesson_answers(homes: Path) -> tuple[dict[str, frozenset[str]], tuple[str, ...]]:
    """Question ids answered in each trainee's lessons (``<homes>/<trainee>/notebooks/answers.json``).

    A home this account may not open (every home, on a hub) is skipped, and named among the problems.
    """
    from trainingkit.answers import AnswersFileError, read_answers

    answered: dict[str, frozenset[str]] = {}
    problems: list[str] = []
    for home in sorted(path for path in Path(homes).iterdir() if path.is_dir()):
        path = home / LESSON_ANSWERS
        try:
            if not path.is_file():
                continue
        except PermissionError:
            problems.append(f"{home}: private to its owner, lessons not shown")
            continue
        try:
            answers = read_answers(path)
        except AnswersFileError as error:
            problems.append(f"{error}: lessons counted as not started")
            answers = {}
        answered[home.name] = frozenset(key for key, answer in answers.items() if answer.value)
    return answered, tuple(problems)


def read_renewal(*, status_csv: Path | str | None = None, events_csv: Path | str | None = None,
                 on: date | None = None) -> tuple[pd.DataFrame, str]:
    """Coaches' renewal statuses (``coach_id, status``) and where they came from.

    From the CSV ``trainingkit renewal status`` writes, or else from the certification
    office's event log through :mod:`trainingkit.renewal`, on ``on`` (today by default).
    Raises ``ValueError`` naming the file when it cannot be used.
    """
    if status_csv is not None:
        frame = pd.read_csv(status_csv, dtype=str, keep_default_na=False)
        missing = {"coach_id", "status"} - set(frame.columns)
        if missing:
            raise ValueError(f"{status_csv}: not a renewal status CSV (no column {', '.join(sorted(missing))})")
        return frame.loc[:, ["coach_id", "status"]], f"renewal statuses from {status_csv}"
    if events_csv is None:
        raise ValueError("no renewal status CSV or event log given")
    from trainingkit.renewal.logfile import read_statuses

    on = on or date.today()
    table = read_statuses(events_csv, on)
    frame = pd.DataFrame({"coach_id": list(table.coach_ids), "status": [str(s) for s in table.statuses]})
    return frame, f"renewal statuses on {on.isoformat()} from the event log {events_csv}"


def _salt(salt: str | None) -> str:
    return salt if salt is not None else os.environ.get(SALT_VARIABLE) or COURSE_ID


def _pseudonymised(cohort: Cohort, salt: str) -> Cohort:
    trainees = pseudonym_map(set(cohort.progress.index) | set(cohort.scores["trainee"]), salt)
    coaches = pseudonym_map(cohort.renewal["coach_id"], salt, prefix="Coach")
    progress = cohort.progress.rename(index=trainees).sort_index()
    scores = cohort.scores.assign(trainee=cohort.scores["trainee"].map(trainees))
    renewal = cohort.renewal.assign(coach_id=cohort.renewal["coach_id"].map(coaches))
    return replace(cohort, progress=progress, scores=scores, renewal=renewal)


def _outline(course: Course | None, notes: list[str]) -> Outline:
    if course is not None:
        try:
            return course_outline(course)
        except Exception as error:  # any unreadable course file: say so and go on with a made-up course
            notes.append(f"the course could not be read ({error}); a made-up course is used")
    return builtin_outline()


def _real_trainees(course: Course | None, outline: Outline, homes: Path | str | None,
                   notes: list[str]) -> tuple[pd.DataFrame, dict[str, frozenset[str]], list[str], str]:
    """Scores, lesson answers and trainee names found for the course, and where from."""
    from trainingkit.items.sources import gradebook_exists, gradebook_label, load_scores, load_trainees

    scores = pd.DataFrame(columns=list(SCORE_COLUMNS))
    trainees: list[str] = []
    sources = []
    if course is not None and gradebook_exists(course.db_url):
        try:
            scores = load_scores(course.db_url, outline.assignment_items)
            trainees = load_trainees(course.db_url)
            sources.append(f"the gradebook {gradebook_label(course.db_url)}")
        except Exception as error:  # a gradebook that cannot be read must not stop the dashboard
            notes.append(f"the gradebook could not be read: {error}")
    elif course is not None:
        notes.append(f"no gradebook at {gradebook_label(course.db_url)} yet")
    answered: dict[str, frozenset[str]] = {}
    if homes is not None:
        try:
            answered, problems = read_lesson_answers(Path(homes))
            notes.extend(problems)
            sources.append(f"lesson answers under {homes}")
        except OSError as error:
            notes.append(f"trainee homes {homes} could not be read: {error.strerror}")
    return scores, answered, trainees, ", ".join(sources)


def _renewal(course: Course | None, *, office_data: bool, demonstration: bool, notes: list[str],
             on: date | None, status_csv: Path | str | None, events_csv: Path | str | None,
             seed: int) -> tuple[pd.DataFrame, str, bool]:
    """Coaches' statuses, where from, and whether made up: the office's data when given, else the register."""
    from trainingkit.items.demo import demonstration_renewal

    if office_data:
        try:
            return (*read_renewal(status_csv=status_csv, events_csv=events_csv, on=on), False)
        except Exception as error:  # an unreadable renewal file: say so, and show what the course has
            notes.append(f"renewal data could not be read: {error}")
    if course is not None and not demonstration:
        from trainingkit.exam.results import register_path
        from trainingkit.items.visible import review_statuses

        register = register_path(course)
        try:
            return (review_statuses(register), "latest released ethics review result per coach, from the "
                    f"results register {register}", False)
        except Exception as error:  # an unreadable register must not stop the dashboard
            notes.append(f"the results register could not be read: {error}")
            return pd.DataFrame(columns=["coach_id", "status"]), "no renewal data readable", False
    return demonstration_renewal(seed=seed), "demonstration coaches, generated: no renewal data given", True


def gather(*, course: Course | None = None, pseudonymise: bool = False, salt: str | None = None,
           trainee_homes: Path | str | None = None, renewal_status_csv: Path | str | None = None,
           renewal_events_csv: Path | str | None = None, on: date | None = None,
           ranges: HealthyRanges = DEFAULT_RANGES, seed: int | None = None) -> Cohort:
    """Everything the dashboard shows, read once; a demonstration cohort when no trainee is found.

    ``course`` defaults to the course around the working folder. Names are shown as they are
    unless ``pseudonymise``; pseudonyms use ``salt``, else the environment variable
    :data:`SALT_VARIABLE`, else the course id. Renewals come from ``renewal_status_csv`` or
    ``renewal_events_csv`` when given (the office's own data), else from the course's results
    register (each coach's latest released ethics review result).
    """
    from trainingkit.items.demo import DEMO_SEED, demonstration_cohort

    notes: list[str] = []
    if course is None:
        try:
            course = Course.locate()
        except FileNotFoundError as error:
            notes.append(str(error))
    outline = _outline(course, notes)
    from trainingkit.items.visible import merge_submitted, submitted_assignments

    submitted = submitted_assignments(course, outline.assignment_items) if course is not None else {}
    scores, answered, trainees, source = _real_trainees(course, outline, trainee_homes, notes)
    if submitted:
        trainees = sorted(set(trainees) | set(submitted))
        source = ", ".join(filter(None, ["the submissions received", source]))
    lessons_shown = trainee_homes is not None
    unreadable_homes = sum(1 for note in notes if note.endswith("private to its owner, lessons not shown"))
    demonstration = not (trainees or answered or len(scores))
    if demonstration:
        demo = demonstration_cohort(outline, seed=DEMO_SEED if seed is None else seed)
        scores, answered, trainees = demo.scores, demo.lesson_answers, list(demo.trainees)
        source = "demonstration cohort, generated"
        lessons_shown = True
    names = sorted(set(trainees) | set(answered) | set(scores["trainee"]))
    lessons = lesson_progress(answered, outline.lesson_checks).reindex(names).fillna(0).astype(int)
    if not answered:
        lessons = lessons.iloc[:, :0]
    assignments = assignment_progress(scores, names, outline.assignment_items)
    if not demonstration:
        assignments = merge_submitted(assignments, submitted)
    progress = pd.concat([lessons, assignments], axis=1)
    progress.index.name = "trainee"
    kinds = pd.Series(["lesson"] * lessons.shape[1] + ["assignment"] * assignments.shape[1],
                      index=progress.columns, name="kind")
    scores = scores.assign(domain=[outline.domain_of(item) for item in scores["item"]])
    office_data = renewal_status_csv is not None or renewal_events_csv is not None
    renewal, renewal_source, renewal_demonstration = _renewal(
        course, office_data=office_data, demonstration=demonstration, notes=notes, on=on,
        status_csv=renewal_status_csv, events_csv=renewal_events_csv, seed=DEMO_SEED if seed is None else seed)
    from trainingkit.items.visible import cannot_see

    unseen = cannot_see(lessons_shown=lessons_shown, unreadable_homes=unreadable_homes,
                        renewal_from_office_log=office_data and not renewal_demonstration)
    cohort = Cohort(source=source, demonstration=demonstration, progress=progress, stage_kinds=kinds,
                    scores=scores, items=item_quality(scores, outline, ranges), renewal=renewal,
                    renewal_source=renewal_source, renewal_demonstration=renewal_demonstration,
                    ranges=ranges, notes=tuple(notes), cannot_see=unseen)
    return _pseudonymised(cohort, _salt(salt)) if pseudonymise else cohort
