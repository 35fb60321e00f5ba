"""The exam commands: forms, review-form, standard-setting. A thin click layer.

Certificates are :mod:`trainingkit.credentials.cli`.

Supervisors' Angoff ratings are read from ``coursework/ratings/round-N/*.csv`` (one folder per
round of the panel, one file per rater; files directly in ``coursework/ratings/`` are round 1)
unless ``--ratings`` names the files of a single round; the last round sets cut scores. Without
any, the bank's provisional ratings are used and every cut score says so.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import NoReturn

import click

BAD_INPUT = 2


def _cycles(text: str) -> list[int]:
    """``"1-10"`` or ``"3"`` or ``"1,4,7"`` as a list of cycles."""
    cycles: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.partition("-")
            cycles.extend(range(int(low), int(high or low) + 1))
    except ValueError:
        raise click.BadParameter(f"{text!r}: write cycles as 1-10, 3 or 1,4,7") from None
    if not cycles or min(cycles) < 1:
        raise click.BadParameter(f"{text!r}: cycles start at 1")
    return sorted(set(cycles))


def _csv(rows: list[dict[str, str]] | list[list[str]], header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
        writer.writerows([row[name] for name in header] if isinstance(row, dict) else row for row in rows)
    else:
        writer.writerows(rows)
    return buffer.getvalue()


def _load(ratings: tuple[Path, ...]):
    """The course, bank, blueprint, practice items and the last round's ratings, or exit 2 naming the bad file."""
    course, bank, blueprint, practice, rounds = _load_rounds(ratings)
    from trainingkit.exam.panel import final_round

    return course, bank, blueprint, practice, final_round(rounds)


def _load_rounds(ratings: tuple[Path, ...]):
    """The course, bank, blueprint, practice items and every round's ratings, or exit 2 naming the bad file."""
    from trainingkit.assignments import AssignmentError, FeedbackMode, load_assignments
    from trainingkit.bank import BankError, load_bank
    from trainingkit.course import Course
    from trainingkit.exam.angoff import RatingsError, read_ratings
    from trainingkit.exam.blueprint import BlueprintError, load_blueprint
    from trainingkit.exam.panel import read_rounds

    try:
        course = Course.locate()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    try:
        bank = load_bank(course.bank_dir)
        blueprint = load_blueprint(course.blueprint_file)
        assignments = load_assignments(course.assignments_file, bank, resolve_forms=False)
        points = {item: vignette.points for item, vignette in bank.items()}
        if ratings:
            rounds = {1: read_ratings(list(ratings), bank, points)}
        else:
            rounds = read_rounds(course.ratings_dir, bank, points) if course.ratings_dir.is_dir() else {}
    except (BankError, BlueprintError, AssignmentError, RatingsError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(BAD_INPUT)
    practice = {item for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE for item in a.items}
    return course, bank, blueprint, practice, rounds


RATINGS = click.option("--ratings", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="A rater's CSV item,probability (repeat): one round "
                            "[default: coursework/ratings/round-N/*.csv].")


def _plan(course, bank, blueprint, practice, cycles):
    from trainingkit.exam.assemble import AssemblyError
    from trainingkit.exam.forms import RegisterError, plan_forms

    try:
        return plan_forms(bank, blueprint, cycles, course.forms_file, practice)
    except (AssemblyError, RegisterError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(BAD_INPUT)


def _refuse(error: object) -> NoReturn:
    """Bad input (a rater who skipped items, a register that refuses a change): exit 2 saying why."""
    click.echo(f"Error: {error}", err=True)
    sys.exit(BAD_INPUT)


@click.command("forms")
@click.option("--cycles", "cycles_text", default="1-10", show_default=True, help="Renewal cycles, e.g. 1-10.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the technical report of these forms (HTML) to this file.")
@click.option("--item-stats", "item_stats", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              multiple=True, help="An item statistics CSV from `trainingkit items ASSIGNMENT` (repeat) for the "
                                  "report [default: none, reliability projected from the ratings' spread only].")
@RATINGS
def forms(cycles_text: str, report_path: Path | None, item_stats: tuple[Path, ...], ratings: tuple[Path, ...]) -> None:
    """Report the ethics review form of each cycle: coverage by area and rule, overlap, exposure,
    difficulty, cut score (CSV).

    Fixed forms (already given) come from coursework/forms.yaml; the others are assembled to
    coursework/blueprint.yaml. Every form up to the last cycle asked for is checked (overlap and
    exposure involve the earlier ones); any broken rule is listed on stderr and the exit status is 1.
    """
    from trainingkit.exam.angoff import RatingsError
    from trainingkit.exam.forms import (fixed_form_notes, frozen_content_problems, read_register, report_rows,
                                        violations)

    course, bank, blueprint, practice, rated = _load(ratings)
    cycles = _cycles(cycles_text)
    planned = _plan(course, bank, blueprint, practice, list(range(1, max(cycles) + 1)))
    try:
        rows = report_rows(planned, bank, blueprint, course.forms_file, rated, cycles)
    except RatingsError as error:
        _refuse(error)
    click.echo(_csv(rows, list(rows[0])), nl=False)
    register = read_register(course.forms_file, bank)
    problems = violations(planned, bank, blueprint) + frozen_content_problems(register, bank)
    for note in fixed_form_notes(planned, bank, blueprint):
        click.echo(f"Note: {note}", err=True)
    for problem in problems:
        click.echo(f"Broken: {problem}", err=True)
    if report_path is not None:
        _write_report(report_path, course, bank, blueprint, planned, cycles, rated, item_stats)
    click.echo(_summary(rows, planned, bank, blueprint, practice, problems), err=True)
    sys.exit(1 if problems else 0)


def _summary(rows, planned, bank, blueprint, practice, problems) -> str:
    """One line: forms checked, the cut scores' spread around the reference's, exposure, rules, breaks."""
    from trainingkit.exam.assemble import eligible
    from trainingkit.exam.exposure import item_uses

    cuts = [float(row["cut_score"]) for row in rows]
    reference = next((float(row["cut_score"]) for row in rows if row["cycle"] == str(blueprint.reference_cycle)),
                     None)
    uses = item_uses(planned.values())
    placed = {bank[item].case for form in planned.values() for item in form.items if bank[item].case}
    parts = [f"{len(rows)} forms checked with the {len(planned)} of cycles 1-{max(planned)}, "
             f"{blueprint.items} items each",
             f"cut scores {min(cuts):.1f}-{max(cuts):.1f}"
             + (f" (reference {reference:.1f})" if reference is not None else ""),
             f"most-used item on {max(uses.values())} of {len(planned)} forms "
             f"({max(uses.values()) / len(planned):.0%}; the cap is {blueprint.exposure_limit} of each "
             f"{blueprint.period}-cycle period)",
             f"case sets on a form: {len(placed)} of the {len({v.case for v in eligible(bank, blueprint, practice) if v.case})} "
             "eligible",
             "every blueprint rule met (areas, rules, overlap, exposure, parallel targets)" if not problems
             else f"{len(problems)} broken rules"]
    return "; ".join(parts)


def _measured_reliability(course, cycles):
    """Each fixed form's reliability from its graded sittings (``{cycle: Reliability}``; none yet: absent)."""
    from trainingkit.assignments import AssignmentError, load_assignments
    from trainingkit.bank import load_bank
    from trainingkit.exam.forms import read_register
    from trainingkit.items.reliability import reliability
    from trainingkit.items.report import NoGradesError, item_report

    try:
        bank = load_bank(course.bank_dir)
        assignments = load_assignments(course.assignments_file, bank, resolve_forms=False)
    except AssignmentError:
        return {}
    register = read_register(course.forms_file, bank)
    measured = {}
    for assignment in assignments.values():
        if assignment.form_cycle in cycles and assignment.form_cycle in register:
            try:
                report = item_report(course=course, assignment_id=assignment.id)
            except (NoGradesError, KeyError):
                continue
            if report.scores is not None and len(report.scores) > 1:
                measured[assignment.form_cycle] = reliability(report.scores, report.max_points,
                                                              register[assignment.form_cycle].cut.percent)
    return measured


def _write_report(path, course, bank, blueprint, planned, cycles, rated, item_stats) -> None:
    from trainingkit.exam.report import ReportError, read_item_statistics, technical_report

    try:
        statistics = read_item_statistics(item_stats)
        html = technical_report(planned, cycles, bank, blueprint, course.forms_file, rated, statistics,
                                _measured_reliability(course, [c for c in cycles if planned[c].fixed]))
    except ReportError as error:
        _refuse(error)
    from trainingkit.files import write_atomically

    write_atomically(path, html)
    click.echo(f"Technical report: {path}", err=True)


@click.command("review-form")
@click.option("--cycle", type=click.IntRange(min=1), required=True, help="The renewal cycle.")
@click.option("--fix", is_flag=True, help="Register this form as given: it never changes again.")
@click.option("--amend", "reason", default=None, metavar="REASON",
              help="Accept the bank's changed text of items of this fixed form, recording the date and REASON.")
@click.option("--set-cut", is_flag=True,
              help="Give this fixed form the panel's cut score (last round's ratings) before its first sitting, "
                   "recorded with the date, --by and --why.")
@click.option("--by", default="", metavar="NAME", help="Who sets the cut score (with --set-cut).")
@click.option("--why", default="", metavar="REASON", help="Why the cut score changes (with --set-cut).")
@click.option("--parallel-to", type=click.IntRange(min=1), default=None, metavar="CYCLE",
              help="With --fix: a parallel form of CYCLE's period (a second form for review sittings), "
                   "which replaces no form.")
@RATINGS
def review_form(cycle: int, fix: bool, reason: str | None, set_cut: bool, by: str, why: str,
                parallel_to: int | None, ratings: tuple[Path, ...]) -> None:
    """Print the ethics review form of a renewal cycle as CSV: id,area,domain,kind,title."""
    from trainingkit.exam.angoff import RatingsError, cut_score
    from trainingkit.exam.forms import RegisterError, amend_form, fix_form

    course, bank, blueprint, practice, rated = _load(ratings)
    if reason is not None:
        try:
            amendment = amend_form(course.forms_file, bank, cycle, reason)
        except RegisterError as error:
            _refuse(error)
        click.echo(f"Recorded in {course.forms_file}: cycle {cycle}'s form amended on {amendment.on} "
                   f"({', '.join(amendment.items)}): {amendment.reason}", err=True)
        return
    if set_cut:
        _set_cut(course, bank, cycle, rated, by, why)
        return
    form = _plan(course, bank, blueprint, practice, [cycle])[cycle]
    click.echo(_csv([[i, bank[i].area, bank[i].domain, bank[i].kind.value, bank[i].title] for i in form.items],
                    ["id", "area", "domain", "kind", "title"]), nl=False)
    if fix:
        try:
            cut = cut_score(form.items, bank, rated)
        except RatingsError as error:
            _refuse(f"cycle {cycle}'s form: {error}")
        try:
            record = fix_form(course.forms_file, bank, form, cut, parallel_to=parallel_to)
        except RegisterError as error:
            _refuse(error)
        click.echo(f"Fixed cycle {cycle}'s form with cut score {record.cut.percent:g}% ({record.cut.source}) "
                   f"in {course.forms_file}", err=True)


def _set_cut(course, bank, cycle: int, rated, by: str, why: str) -> None:
    """``review-form --set-cut``: the fixed form's cut from the panel, refused once anyone has sat the form."""
    from trainingkit.exam.angoff import RatingsError, cut_score
    from trainingkit.exam.forms import RegisterError, read_register, set_cut
    from trainingkit.exam.results import form_id, register_path
    from trainingkit.renewal.eventlog import EventLogError

    try:
        fixed = read_register(course.forms_file, bank)
        if cycle not in fixed:
            _refuse(f"{course.forms_file}: cycle {cycle}'s form is not fixed; fix it first (review-form --fix)")
        cut = cut_score(fixed[cycle].form.items, bank, rated)
        change = set_cut(course.forms_file, bank, cycle, cut, by=by, reason=why,
                         sittings=_sittings(register_path(course), form_id(cycle)))
    except (RatingsError, RegisterError, EventLogError) as error:
        _refuse(f"cycle {cycle}'s form: {error}" if isinstance(error, RatingsError) else error)
    click.echo(f"Recorded in {course.forms_file}: cycle {cycle}'s cut score {change.was:g}% -> {change.now:g}% "
               f"({change.source}) on {change.on} by {change.by}: {change.reason}", err=True)


def _sittings(register: Path, form: str) -> int:
    """How many results the office's register holds for ``form`` (0 without a register)."""
    from trainingkit.renewal.logfile import read_event_log

    if not register.exists():
        return 0
    log = read_event_log(register)
    return sum(1 for coach in log.coach_ids for event in log.events(coach) if event.form == form)


def _responses(path: Path | None, course) -> dict[str, dict[str, float]]:
    """Past candidates' points per item: ``--responses`` (candidate,item,points) or the gradebook (may be empty)."""
    from trainingkit.exam.angoff import RatingsError
    from trainingkit.exam.panel import mean_scores, parse_responses

    if path is not None:
        try:
            return parse_responses(path.read_text(encoding="utf-8-sig"), path)
        except (OSError, UnicodeDecodeError, RatingsError) as error:
            _refuse(error if isinstance(error, RatingsError) else f"{path}: cannot be read ({error})")
    from trainingkit.items.sources import gradebook_exists, load_scores

    if not gradebook_exists(course.db_url):
        return {}
    graded = load_scores(course.db_url).dropna(subset=["score"])
    return mean_scores((str(row.trainee), str(row.item), float(row.score)) for row in graded.itertuples())


@click.command("standard-setting")
@click.option("--cycles", "cycles_text", default="1-10", show_default=True)
@click.option("--responses", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Past candidates' scores, CSV candidate,item,points, for impact data [default: the gradebook].")
@RATINGS
def standard_setting(cycles_text: str, responses: Path | None, ratings: tuple[Path, ...]) -> None:
    """Angoff results, round by round: the last round's items (mean, spread, disagreement), each form's cut
    score in every round with its impact on past candidates, and each rater's diagnostics."""
    from trainingkit.exam.angoff import RatingsError, cut_score, item_ratings
    from trainingkit.exam.panel import candidate_percentages, final_round, impact, rater_diagnostics

    course, bank, blueprint, practice, rounds = _load_rounds(ratings)
    rated = final_round(rounds)
    if not rated:
        click.echo("No rater files (coursework/ratings/round-N/*.csv or --ratings): cut scores below are "
                   "provisional, from the bank's ratings.", err=True)
    rows = [[r.item, str(r.raters), f"{r.mean:.3f}", f"{r.sd:.3f}", f"{r.low:.2f}", f"{r.high:.2f}",
             "yes" if r.disagreement else "", str(r.abstentions)] for r in item_ratings(rated).values()]
    click.echo(_csv(rows, ["item", "raters", "mean", "sd", "low", "high", "disagreement", "abstentions"]), nl=False)
    click.echo("")
    planned = _plan(course, bank, blueprint, practice, _cycles(cycles_text))
    scores = _responses(responses, course)
    if not scores:
        click.echo("No response data (no graded sittings in the gradebook, no --responses): no impact data.",
                   err=True)
    cuts, diagnostics = [], []
    for cycle, form in sorted(planned.items()):
        shares = candidate_percentages(scores, form.items, bank)
        for number, round_ratings in (sorted(rounds.items(), reverse=True) or [(0, {})]):
            try:
                cut = cut_score(form.items, bank, round_ratings)
            except RatingsError as error:
                _refuse(f"cycle {cycle}'s form{f', round {number}' if len(rounds) > 1 else ''}: {error}")
            effect = impact(shares, cut.percent)
            cuts.append([str(cycle), f"{cut.percent:.1f}",
                         "" if cut.standard_error is None else f"{cut.standard_error:.2f}", cut.source,
                         str(number) if number else "", str(effect.candidates),
                         "" if effect.share is None else f"{effect.share:.3f}"])
            diagnostics += [[str(number), str(cycle), d.rater, f"{d.cut:.1f}", f"{d.deviation:+.1f}",
                             f"{d.mean_distance:.3f}", "" if d.correlation is None else f"{d.correlation:.2f}",
                             " ".join(d.outlying)]
                            for d in rater_diagnostics(form.items, bank, round_ratings)]
    click.echo(_csv(cuts, ["cycle", "cut_score", "standard_error", "source", "round", "candidates",
                           "share_passing"]), nl=False)
    if diagnostics:
        click.echo("")
        click.echo(_csv(diagnostics, ["round", "cycle", "rater", "rater_cut", "deviation", "mean_distance",
                                      "correlation", "outlying_items"]), nl=False)


@click.group("review")
def review() -> None:
    """The ethics review: sittings per coach, and results for the certification office."""


@review.command("results")
@click.argument("assignment", default="ethics-review")
@click.option("--student", "students", multiple=True, help="Only this trainee's result (a username; repeat).")
def review_results_command(assignment: str, students: tuple[str, ...]) -> None:
    """Add each graded sitting of ASSIGNMENT to the office's results register (coach id, date, score,
    cut score, form). Released feedback records itself on the hub; this catches up, and adds nothing
    twice."""
    from trainingkit.course import Course
    from trainingkit.exam.results import ResultsError, record_released, register_path
    from trainingkit.renewal.eventlog import EventLogError

    try:
        course = Course.locate()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    try:
        recorded = record_released(course=course, assignment_id=assignment, db_url=course.db_url,
                                   students=set(students) or None)
    except (ResultsError, EventLogError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(BAD_INPUT)
    if recorded is None:
        click.echo(f"Error: {assignment!r} is not a fixed ethics review form (form: {{cycle: N}} in "
                   f"{course.assignments_file}): it has no results for the office", err=True)
        sys.exit(BAD_INPUT)
    for line in recorded.summary() or ["nothing to record"]:
        click.echo(line)
    click.echo(f"results register: {register_path(course)}")


@review.command("open")
@click.option("--coach", "coach_id", default=None, help="The coach's id (the roster's coach_id).")
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the sitting is due by, YYYY-MM-DD (the end of the coach's renewal window).")
@click.option("--office", "from_office", is_flag=True,
              help="Open a sitting for every coach the office's list of open renewal windows names.")
@click.option("--windows", type=click.Path(dir_okay=False, path_type=Path), envvar="TRAININGKIT_REVIEW_WINDOWS",
              default=None, help="The office's list [default: $TRAININGKIT_REVIEW_WINDOWS, set on the hub].")
@click.option("--by", default=None, help="Who opens it [default: $JUPYTERHUB_USER or $USER].")
def review_open(coach_id: str | None, due, from_office: bool, windows: Path | None, by: str | None) -> None:
    """Open a review sitting: the coach is offered a form they never met, due by --due."""
    import datetime as dt
    import os

    from trainingkit.exam.sitting_register import SittingRegister, open_from_office, window_opening
    from trainingkit.exam.sittings import SittingError
    from trainingkit.renewal.settings import DEFAULT_RULES
    from trainingkit.renewal.windows import WindowsError, read_windows

    course, coaches, forms = _sitting_course()
    register, today = SittingRegister.of(course), dt.date.today()
    if from_office == bool(coach_id):
        _refuse("name one coach (--coach C --due YYYY-MM-DD) or open from the office's list (--office)")
    try:
        if from_office:
            if windows is None:
                _refuse("--office needs the office's list: --windows FILE or $TRAININGKIT_REVIEW_WINDOWS")
            opened, skipped = open_from_office(register, windows=read_windows(windows), coaches=coaches,
                                               forms=forms, on=today)
        else:
            if due is None:
                _refuse(f"coach {coach_id}: --due YYYY-MM-DD is needed (the end of their renewal window)")
            user = next((u for u, c in coaches.items() if c == coach_id), None)
            if user is None:
                _refuse(f"coach {coach_id} is not on the course's roster ({course.roster_file}); a sitting needs "
                        "the coach's account")
            listed = read_windows(windows) if windows is not None else []
            opened = [register.open(coach_id=coach_id, username=user, forms=forms, on=today, due=due.date(),
                                    by=by or os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER", "supervisor"),
                                    window_opens_on=window_opening(coach_id, due.date(), listed),
                                    per_window=DEFAULT_RULES.sittings_per_window)]
            skipped = []
    except (SittingError, WindowsError) as error:
        _refuse(error)
    for sitting in opened:
        click.echo(f"opened sitting {sitting.number}: coach {sitting.coach_id} ({sitting.username}), "
                   f"{sitting.assignment_id} (form {sitting.form_id}), due {sitting.due}")
    for reason in skipped:
        click.echo(f"not opened: {reason}", err=True)
    if not opened and not skipped:
        click.echo("no sitting to open: every coach the office lists has one in progress or has passed")


@review.command("sittings")
def review_sittings() -> None:
    """List the register of review sittings (CSV): who, which form, opened, due, submitted, result."""
    from trainingkit.exam.sitting_register import SittingRegister, sitting_row
    from trainingkit.exam.sittings import SittingError

    course = _course_or_exit()
    try:
        sittings = SittingRegister.of(course).sittings()
    except SittingError as error:
        _refuse(error)
    header = ["number", "coach_id", "username", "form_id", "assignment_id", "opened_on", "due", "opened_by",
              "submitted_at", "score", "cut_score", "state"]
    rows = [{name: "" if row[name] is None else str(row[name]) for name in header}
            for row in map(sitting_row, sittings)]
    click.echo(_csv(rows, header), nl=False)


def _course_or_exit():
    from trainingkit.course import Course

    try:
        return Course.locate()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None


def _sitting_course():
    """The course, its coaches (username -> coach id) and its review forms, or exit 2 naming the bad file."""
    from trainingkit.assignments import AssignmentError
    from trainingkit.bank import BankError
    from trainingkit.exam.forms import RegisterError
    from trainingkit.exam.results import ResultsError, coach_ids
    from trainingkit.exam.sitting_register import review_forms

    course = _course_or_exit()
    try:
        return course, coach_ids(course), review_forms(course)
    except (AssignmentError, BankError, RegisterError, ResultsError) as error:
        _refuse(error)
