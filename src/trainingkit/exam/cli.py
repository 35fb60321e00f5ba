"""The exam commands: forms, review-form, standard-setting. A thin click layer.

Certificates are :mod:`trainingkit.credentials.cli`.

Supervisors' Angoff ratings are read from ``coursework/ratings/*.csv`` (one file per rater)
unless ``--ratings`` names files; without any, the bank's provisional ratings are used and
every cut score says so.
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
    """The course, bank, blueprint, practice items and ratings, or exit 2 naming the bad file."""
    from trainingkit.assignments import AssignmentError, FeedbackMode, load_assignments
    from trainingkit.bank import BankError, load_bank
    from trainingkit.course import Course
    from trainingkit.exam.angoff import RatingsError, read_ratings
    from trainingkit.exam.blueprint import BlueprintError, load_blueprint

    try:
        course = Course.locate()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    try:
        bank = load_bank(course.bank_dir)
        blueprint = load_blueprint(course.blueprint_file)
        assignments = load_assignments(course.assignments_file, bank, resolve_forms=False)
        files = list(ratings) or sorted(course.ratings_dir.glob("*.csv"))
        rated = read_ratings(files, bank)
    except (BankError, BlueprintError, AssignmentError, RatingsError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(BAD_INPUT)
    practice = {item for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE for item in a.items}
    return course, bank, blueprint, practice, rated


RATINGS = click.option("--ratings", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="A rater's CSV item,probability (repeat) [default: coursework/ratings/*.csv].")


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
@RATINGS
def forms(cycles_text: str, ratings: tuple[Path, ...]) -> None:
    """Report the ethics review form of each cycle: coverage, overlap, difficulty, cut score (CSV).

    Fixed forms (already given) come from coursework/forms.yaml; the others are assembled to
    coursework/blueprint.yaml. Any broken rule is listed on stderr and the exit status is 1.
    """
    from trainingkit.exam.angoff import RatingsError
    from trainingkit.exam.forms import frozen_content_problems, read_register, report_rows, violations

    course, bank, blueprint, practice, rated = _load(ratings)
    planned = _plan(course, bank, blueprint, practice, _cycles(cycles_text))
    try:
        rows = report_rows(planned, bank, blueprint, course.forms_file, rated)
    except RatingsError as error:
        _refuse(error)
    click.echo(_csv(rows, list(rows[0])), nl=False)
    problems = violations(planned, bank, blueprint)
    problems += frozen_content_problems(read_register(course.forms_file, bank), bank)
    for problem in problems:
        click.echo(f"Broken: {problem}", err=True)
    click.echo(f"{len(planned)} forms, {blueprint.items} items each; "
               f"{'every blueprint rule met' if not problems else f'{len(problems)} broken rules'}", err=True)
    sys.exit(1 if problems else 0)


@click.command("review-form")
@click.option("--cycle", type=click.IntRange(min=1), required=True, help="The renewal cycle.")
@click.option("--fix", is_flag=True, help="Register this form as given: it never changes again.")
@click.option("--amend", "reason", default=None, metavar="REASON",
              help="Accept the bank's changed text of items of this fixed form, recording the date and REASON.")
@click.option("--parallel-to", type=click.IntRange(min=1), default=None, metavar="CYCLE",
              help="With --fix: a parallel form of CYCLE's period (a second form for review sittings), "
                   "which replaces no form.")
@RATINGS
def review_form(cycle: int, fix: bool, reason: str | None, parallel_to: int | None, ratings: tuple[Path, ...]) -> None:
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


@click.command("standard-setting")
@click.option("--cycles", "cycles_text", default="1-10", show_default=True)
@RATINGS
def standard_setting(cycles_text: str, ratings: tuple[Path, ...]) -> None:
    """Angoff results: each item's mean and spread (flagging disagreement), then each form's cut score."""
    from trainingkit.exam.angoff import RatingsError, cut_score, item_ratings

    course, bank, blueprint, practice, rated = _load(ratings)
    if not rated:
        click.echo("No rater files (coursework/ratings/*.csv or --ratings): cut scores below are provisional, "
                   "from the bank's ratings.", err=True)
    rows = [[r.item, str(r.raters), f"{r.mean:.3f}", f"{r.sd:.3f}", f"{r.low:.2f}", f"{r.high:.2f}",
             "yes" if r.disagreement else "", str(r.abstentions)] for r in item_ratings(rated).values()]
    click.echo(_csv(rows, ["item", "raters", "mean", "sd", "low", "high", "disagreement", "abstentions"]), nl=False)
    click.echo("")
    planned = _plan(course, bank, blueprint, practice, _cycles(cycles_text))
    cuts = []
    for cycle, form in sorted(planned.items()):
        try:
            cut = cut_score(form.items, bank, rated)
        except RatingsError as error:
            _refuse(f"cycle {cycle}'s form: {error}")
        cuts.append([str(cycle), f"{cut.percent:.1f}", "" if cut.standard_error is None else f"{cut.standard_error:.2f}",
                     cut.source])
    click.echo(_csv(cuts, ["cycle", "cut_score", "standard_error", "source"]), nl=False)


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

    from trainingkit.exam.sitting_register import SittingRegister, open_from_office
    from trainingkit.exam.sittings import SittingError
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
            opened = [register.open(coach_id=coach_id, username=user, forms=forms, on=today, due=due.date(),
                                    by=by or os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER", "supervisor"))]
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
