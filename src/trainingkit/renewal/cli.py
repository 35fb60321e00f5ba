"""``trainingkit renewal``: a thin click layer over :mod:`trainingkit.renewal.commands`.

Register it on the main group with ``main.add_command(renewal)``. Importing
this module is cheap: pandas, matplotlib and nbgrader load only when a
command runs.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from .eventlog import EventLogError

__all__ = ["renewal"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])


class RenewalInputError(click.ClickException):
    """Input that breaks a rule: the message names the file and line; exit status 2."""

    exit_code = 2


def _events_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--events", "events", required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Event log CSV: coach_id,date,event,supervisor,hours,score,outcome,cut_score,form.",
    )(function)


def _results_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--results", "results", envvar="TRAININGKIT_RESULTS", default=None,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The results register (review lines of released ethics review results, each with its "
             "form's cut score), read beside the log; none there yet means none released. "
             "[default: $TRAININGKIT_RESULTS, set on the hub]",
    )(function)


def _day(value: datetime | None) -> date:
    return date.today() if value is None else value.date()


@click.group(name="renewal")
def renewal() -> None:
    """Track coaches' two-year certification cycles and what each needs next."""


@renewal.command("status")
@_events_option
@click.option("--on", "on", required=True, type=_DATE, help="Date to read the status on.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the CSV here (private, atomically) instead of printing it.")
@_results_option
def status_command(
    events: Path, on: datetime, output: Path | None, results: Path | None
) -> None:
    """Print coach_id,status,expires_on,grace_ends_on,flags,renewed_on for every coach."""
    from .commands import run_status

    try:
        text = run_status(events=events, on=on.date(), output=output, results=results)
    except EventLogError as error:
        raise RenewalInputError(str(error)) from None
    if output is None:
        click.echo(text, nl=False)


@renewal.command("windows")
@_events_option
@click.option("--on", "on", type=_DATE, default=None, help="The day to read the windows on [default: today].")
@click.option("--publish", type=click.Path(dir_okay=False, path_type=Path), envvar="TRAININGKIT_REVIEW_WINDOWS",
              default=None, help="Write the list here for the course (readable by its grader), atomically "
                                 "[default: $TRAININGKIT_REVIEW_WINDOWS, set on the hub; unset: print it].")
@_results_option
def windows_command(events: Path, on: datetime | None, publish: Path | None, results: Path | None) -> None:
    """List the coaches whose renewal review is due (coach_id,window_opens_on,due) and publish it to the
    course, which offers each of them a review sitting due by that day."""
    from .commands import run_windows

    try:
        text = run_windows(events=events, on=_day(on), publish=publish, results=results)
    except EventLogError as error:
        raise RenewalInputError(str(error)) from None
    except OSError as error:
        raise RenewalInputError(f"{publish}: cannot publish the list ({error.strerror}); nothing was changed") \
            from None
    if publish is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"published {text.count(chr(10)) - 1} open renewal window(s) to {publish}")


@renewal.command("report")
@_events_option
@click.option("--on", "on", required=True, type=_DATE, help="Date to report on.")
@click.option("--output-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the CSV and Markdown summaries and the PNG plot.")
@click.option("--months", default=24, show_default=True, type=click.IntRange(1, 120),
              help="Months ahead in the expiring-per-month plot.")
@click.option("--pseudonymise", is_flag=True, help="Replace coach ids with coach-0001, ...")
@click.option("--credentials", "office", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The certification body's office folder: committee decisions in the log revoke (or, when "
                   "cleared, reissue) coaches' credentials and the status list is republished.")
@_results_option
def report_command(
    events: Path, on: datetime, output_dir: Path, months: int, pseudonymise: bool, office: Path | None,
    results: Path | None,
) -> None:
    """Write the office report: who is due, lapsed, past grace, referred; counts; plot."""
    from trainingkit.credentials.keys import KeyFolderError
    from trainingkit.credentials.office import OfficeError
    from trainingkit.credentials.register import RegisterError

    from .commands import CREDENTIAL_CHANGES, run_report

    try:
        paths = run_report(events=events, on=on.date(), output_dir=output_dir, months=months,
                           pseudonymise=pseudonymise, results=results, office=office)
    except (EventLogError, OfficeError, KeyFolderError, RegisterError) as error:
        raise RenewalInputError(str(error)) from None
    for path in paths:
        click.echo(str(path))
        if path.name == CREDENTIAL_CHANGES:
            click.echo(path.read_text(encoding="utf-8"), nl=False)


@renewal.command("timeline")
@_events_option
@click.option("--coach", "coach_id", required=True, help="The coach_id to plot.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file to write (private, atomically).")
@click.option("--on", "on", type=_DATE, default=None, help="Last day shown [default: today].")
@click.option("--pseudonym", default=None, help="Name shown instead of the coach id.")
@_results_option
def timeline_command(
    events: Path, coach_id: str, output: Path, on: datetime | None, pseudonym: str | None,
    results: Path | None,
) -> None:
    """Plot one coach's status over time, with every event marked."""
    from .commands import run_timeline

    try:
        run_timeline(events=events, coach_id=coach_id, output=output, until=_day(on),
                     pseudonym=pseudonym, results=results)
    except EventLogError as error:
        raise RenewalInputError(str(error)) from None
    click.echo(str(output))


@renewal.command("record")
@click.option("--events", "events", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Event log CSV to add the line to (made, private, with its header, if missing).")
@click.option("--coach", "coach_id", required=True, help="The coach_id.")
@click.option("--date", "on", required=True, type=_DATE, help="The day it happened, YYYY-MM-DD.")
@click.option("--event", "kind", required=True, help="certified, review, renewed, supervision, verdict, ...")
@click.option("--supervisor", default=None, help="For supervision and verdict.")
@click.option("--hours", type=float, default=None, help="For supervision.")
@click.option("--score", type=float, default=None, help="For review, in percent.")
@click.option("--cut-score", type=float, default=None,
              help="For review: the cut score of the form sat, in percent (its pass mark).")
@click.option("--form", default=None, help="For review: the form's id, such as cycle-1.")
@click.option("--outcome", default=None, help="For verdict and committee.")
@_results_option
def record_command(events: Path, coach_id: str, on: datetime, kind: str, supervisor: str | None,
                   hours: float | None, score: float | None, cut_score: float | None, form: str | None,
                   outcome: str | None, results: Path | None) -> None:
    """Add one event to the log: checked (the line, then the log with it, every rule across lines, the
    results register's reviews counted), as a whole line, on disk before this returns."""
    from .events import Event, EventKind, did_you_mean, one_of
    from .logfile import read_results
    from .records import append_events, event_line
    from .settings import DEFAULT_RULES

    if kind not in {str(member) for member in EventKind}:
        names = [str(member) for member in EventKind]
        raise RenewalInputError(f"unknown event {kind!r}: it must be {one_of(names)}{did_you_mean(kind, names)}")
    try:
        event = Event(coach_id, on.date(), EventKind(kind), supervisor=supervisor, hours=hours, score=score,
                      outcome=outcome, cut_score=cut_score, form=form)  # type: ignore[arg-type]
    except ValueError as error:
        raise RenewalInputError(str(error)) from None
    try:
        append_events(events, [event], rules=DEFAULT_RULES, reviews=read_results(results))
    except EventLogError as error:
        raise RenewalInputError(str(error)) from None
    except OSError as error:
        raise RenewalInputError(f"{events}: cannot add to the event log ({error.strerror}); nothing was added") from None
    click.echo(f"added to {events}: {event_line(event)}", nl=False)
