"""The certification office's notebook (``notebooks/office/renewals.ipynb``), one function per section.

Each hidden cell of the notebook is one call here. :func:`read_renewals` takes the values of
the notebook's settings cell, checks them and reads the event log once; every other function
draws one section from what it returned. Nothing here raises for bad input: office staff are
not programmers, so a :class:`Notice` says what is wrong and what to do where a traceback
would be. A notice is plain text and the tables are pandas DataFrames (which escape every
cell), so nothing written in the log is ever rendered as HTML.

The report is the one ``trainingkit renewal report`` writes (:func:`.commands.write_report`),
into ``REPORT_FOLDER/<date>/``, private to whoever runs the notebook.

:func:`log_grid` is the section where the office edits its log (:mod:`.logeditor`); every other
section only reads the log, as saved when the notebook last ran.

The results register (``RESULTS``: released ethics review results, :mod:`trainingkit.exam.results`)
is read beside the office's own log; on the hub it is the one ``TRAININGKIT_RESULTS`` names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainingkit.figures import Picture

from .eventlog import EventLog, EventLogError
from .events import EVENT_COLUMNS, LEGACY_CUT_SCORE
from .reviews import ReviewAttempts
from .settings import DEFAULT_RULES, RenewalRules
from .status import Status, StatusTable

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BLANK_LOG",
    "Notice",
    "Picture",
    "apply_committee",
    "Renewals",
    "coach_timeline",
    "event_guide",
    "log_grid",
    "needs_action",
    "office_policy",
    "read_renewals",
    "review_results_table",
    "status_counts_table",
    "status_table",
    "status_words",
    "write_report",
]

#: A new office's event log: the header line and no events yet.
BLANK_LOG = ",".join(EVENT_COLUMNS) + "\n"

#: What the office does for a coach in each status that needs it, in the order of the list.
ACTIONS: dict[Status, str] = {
    Status.RENEWAL_DUE: "remind the coach: the window is open and no passed review is recorded",
    Status.READY_TO_RENEW: "record the renewal: the review is passed",
    Status.LAPSED: "expired: a passed review still renews until grace_ends_on",
    Status.SUPERVISION_REQUIRED: "past the grace months: supervision and a competent verdict are needed too",
    Status.REFERRED: "referred: the committee's decision is awaited",
    Status.SUSPENDED: "suspended: nothing to renew until the committee clears the coach",
}
#: What the office does for a coach with a conduct flag, whatever the status.
FLAG_ACTION = "conduct flag: make sure the committee knows"


@dataclass(frozen=True)
class Notice:
    """A message for the office, shown as plain text: what happened, or what is wrong and what to do."""

    text: str

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


@dataclass(frozen=True)
class Renewals:
    """The notebook's settings, checked, and the event log read on the day ``on``.

    ``problem`` says why there is nothing to show (a setting that is not understood, no log,
    a log that breaks a rule); ``log`` and ``table`` are then ``None``.
    """

    events: Path
    on: date | None
    coach: str | None
    report_folder: Path
    rules: RenewalRules = DEFAULT_RULES
    results: Path | None = None
    log: EventLog | None = None
    table: StatusTable | None = None
    reviews: tuple[ReviewAttempts, ...] = ()
    problem: str | None = None
    #: Results in the register, and the coach ids among them the office's log never names (left out).
    results_read: int = 0
    results_unmatched: tuple[str, ...] = ()

    @property
    def coaches(self) -> int:
        return 0 if self.table is None else len(self.table)

    def __str__(self) -> str:
        if self.problem is not None:
            return self.problem
        if not self.coaches:
            return (f"{self.events} has no coaches yet: it holds only its header. Add its events in "
                    "The log itself below (a new coach starts with a 'certified' line), press Save the "
                    "log, and run the notebook again.")
        text = f"{self.events}: {self.coaches} coaches, read on {self.on.isoformat()}."  # type: ignore[union-attr]
        if self.results is None:
            return text + "\nNo results register is set (RESULTS): only the log's own review lines count."
        text += f"\nResults register {self.results}: {self.results_read} released review results."
        if self.results_unmatched:
            text += (" Left out, as the log has no such coach (a trainee who is not certified, or a "
                     f"coach id to check): {', '.join(self.results_unmatched)}.")
        return text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def read_renewals(
    *,
    events: str | Path,
    on: date | str | None = None,
    coach: str | None = None,
    report_folder: str | Path = "reports",
    results: str | Path | None = None,
    today: date | None = None,
    rules: RenewalRules = DEFAULT_RULES,
) -> Renewals:
    """Check the settings and read the event log ``events`` on ``on`` (``None``: ``today``),
    with the results register ``results`` (``None``: the one :func:`default_results` finds)."""
    from .logfile import read_event_log, read_results
    from .reviews import review_attempts

    path = Path(events)
    coach = None if coach is None or str(coach).strip() == "" else str(coach).strip()
    day, problem = _day(on, today or date.today())
    register = Path(results) if results not in (None, "") else default_results()
    settings = {"events": path, "on": day, "coach": coach, "report_folder": Path(report_folder),
                "rules": rules, "results": register}
    if problem is not None:
        return Renewals(**settings, problem=problem)
    if not path.exists():
        return Renewals(**settings, problem=(
            f"No event log at {path.absolute()}: put the office's log there, set EVENTS to where it is, "
            "or start one in The log itself below. It is a CSV file whose first line is the header "
            f"{BLANK_LOG.strip()}."))
    try:
        released = read_results(register)
    except EventLogError as error:
        return Renewals(**settings, problem=(
            "The results register cannot be read, so nothing is shown (nothing was written). It is "
            "written by the course when supervisors release ethics review results: tell them, with "
            f"this message.\n\n{error}"))
    try:
        log = read_event_log(path, reviews=released)
        table = log.statuses_on(day, rules)  # type: ignore[arg-type]
    except EventLogError as error:
        return Renewals(**settings, problem=(
            "The event log has lines to put right before anything can be shown (nothing was "
            f"written). Correct them in The log itself below (or in the file), save, and run the notebook "
            f"again.\n\n{error}"))
    unmatched = sorted({event.coach_id for event in released if not log.events(event.coach_id)})
    return Renewals(**settings, log=log, table=table, reviews=tuple(review_attempts(log, table, rules)),
                    results_read=len(released), results_unmatched=tuple(unmatched))


def default_results() -> Path | None:
    """The results register: ``TRAININGKIT_RESULTS`` (the hub sets it for the office), else the one of
    the course this notebook lies in (``make lab``), else none."""
    import os

    if os.environ.get("TRAININGKIT_RESULTS"):
        return Path(os.environ["TRAININGKIT_RESULTS"])
    from trainingkit.course import Course
    from trainingkit.exam.results import register_path

    try:
        return register_path(Course.locate())
    except FileNotFoundError:
        return None


def _day(on: date | str | None, today: date) -> tuple[date | None, str | None]:
    """The day ``ON`` names, or why it names none."""
    if on is None:
        return today, None
    if isinstance(on, datetime):
        return on.date(), None
    if isinstance(on, date):
        return on, None
    try:
        return date.fromisoformat(str(on).strip()), None
    except ValueError:
        return None, (f"ON is {on!r}, which is not a date: write None for today, or a date as "
                      "year-month-day in quotes, like \"2026-11-25\".")


def _nothing_to_show(renewals: Renewals) -> Notice | None:
    if renewals.problem is not None:
        return Notice("Nothing to show: see the message under the settings.")
    if not renewals.coaches:
        return Notice("No coaches yet.")
    return None


def status_counts_table(renewals: Renewals) -> pd.DataFrame | Notice:
    """How many coaches are in each status on the day, every status listed, with its meaning."""
    import pandas as pd

    from .report import status_counts

    nothing = _nothing_to_show(renewals)
    if nothing is not None:
        return nothing
    counts = status_counts(renewals.table)  # type: ignore[arg-type]
    meaning = status_meanings(renewals.rules)
    frame = pd.DataFrame({"coaches": counts.to_numpy(),
                          "what it means": [meaning[Status(name)] for name in counts.index]},
                         index=counts.index)
    frame.loc["all"] = [int(counts.sum()), ""]
    return frame


def status_meanings(rules: RenewalRules = DEFAULT_RULES) -> dict[Status, str]:
    """Each status in plain words, with the office's settings in them."""
    return {
        Status.REVOKED: "the committee revoked the certification",
        Status.SUSPENDED: "the committee suspended the coach",
        Status.REFERRED: "a supervisor found the coach not competent; the committee has not decided yet",
        Status.NOT_CERTIFIED: "no certification on or before the day",
        Status.CERTIFIED: "certified; the renewal window is not open yet",
        Status.READY_TO_RENEW: "window open and a passed review: the renewal can be recorded",
        Status.RENEWAL_DUE: (f"window open ({rules.window_days} days before expiry), "
                             "no passed review yet"),
        Status.LAPSED: f"expired, within the {rules.grace_months} months of grace",
        Status.SUPERVISION_REQUIRED: (f"more than {rules.grace_months} months past expiry: "
                                      f"{rules.supervision_hours:g} hours of supervision and a "
                                      "competent verdict are needed too"),
    }


def status_words(status: str, renewed_on: date | None) -> str:
    """A status as the office reads it: ``certified, renewed on 6 Dec 2026`` when a renewal began the
    coach's current cycle, else the status alone."""
    return status if renewed_on is None else f"{status}, renewed on {renewed_on:%-d %b %Y}"


def _with_renewals(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (rows of :func:`.report.status_frame`) with each status in words and no renewed_on column."""
    frame = frame.copy()
    frame["status"] = [status_words(status, renewed_on)
                       for status, renewed_on in zip(frame["status"], frame["renewed_on"], strict=True)]
    return frame.drop(columns="renewed_on")


def status_table(renewals: Renewals) -> pd.DataFrame | Notice:
    """Every coach on the day: status (with the day of the renewal that began the current cycle), expiry,
    end of grace, conduct flags (one row each, by coach id)."""
    from .report import status_frame

    nothing = _nothing_to_show(renewals)
    if nothing is not None:
        return nothing
    return _with_renewals(status_frame(renewals.table)).set_index("coach_id")  # type: ignore[arg-type]


def needs_action(renewals: Renewals) -> pd.DataFrame | Notice:
    """The coaches the office has something to do for, with what it is, most urgent list first.

    The lists are those of the report's summary (:data:`.report.OFFICE_LISTS`), plus every
    coach with a conduct flag; within a list the earliest expiry comes first.
    """
    from .report import review_frame, status_frame

    nothing = _nothing_to_show(renewals)
    if nothing is not None:
        return nothing
    table = renewals.table
    frame = status_frame(table)  # type: ignore[arg-type]
    reviews = review_frame(table, renewals.reviews)  # type: ignore[arg-type]
    frame["last review"] = [_last_review(row) for row in reviews.itertuples(index=False)]
    order = {status.value: position for position, status in enumerate(ACTIONS)}
    frame["what to do"] = [ACTIONS[Status(status)] if status in order else FLAG_ACTION
                           for status in frame["status"]]
    chosen = frame[frame["status"].isin(order) | (frame["flags"] != "")].copy()
    if not len(chosen):
        return Notice(f"No coach needs the office on {renewals.on.isoformat()}.")  # type: ignore[union-attr]
    chosen["list"] = [order.get(status, len(order)) for status in chosen["status"]]
    chosen = chosen.sort_values(["list", "expires_on", "coach_id"], na_position="last")
    columns = ["coach_id", "status", "what to do", "expires_on", "grace_ends_on", "last review", "flags"]
    return _with_renewals(chosen)[columns].set_index("coach_id")


def review_results_table(renewals: Renewals) -> pd.DataFrame | Notice:
    """The ethics review in each coach's current cycle: who failed (score / cut score), whose renewal is
    due with no review sat, who passed. Failed first, then not sat, then passed; earliest expiry first."""
    from .report import review_frame, status_frame

    nothing = _nothing_to_show(renewals)
    if nothing is not None:
        return nothing
    frame = status_frame(renewals.table)  # type: ignore[arg-type]
    reviews = review_frame(renewals.table, renewals.reviews)  # type: ignore[arg-type]
    due = {Status.RENEWAL_DUE.value, Status.LAPSED.value, Status.SUPERVISION_REQUIRED.value}
    outcome = ["failed" if failed == "yes" else "passed" if failed == "no" else "not sat" if status in due else ""
               for failed, status in zip(reviews["last_review_failed"], frame["status"], strict=True)]
    frame["review this cycle"] = outcome
    frame["score / cut score"] = reviews["last_review"].to_numpy()
    frame["form"] = reviews["last_form"].to_numpy()
    frame["on"] = reviews["last_review_on"].to_numpy()
    frame["attempts"] = reviews["review_attempts"].to_numpy()
    chosen = frame[frame["review this cycle"] != ""].copy()
    if not len(chosen):
        return Notice(f"No review sat in a current cycle, and no renewal due, on {renewals.on.isoformat()}.")  # type: ignore[union-attr]
    chosen["order"] = chosen["review this cycle"].map({"failed": 0, "not sat": 1, "passed": 2})
    chosen = chosen.sort_values(["order", "expires_on", "coach_id"], na_position="last")
    columns = ["coach_id", "status", "review this cycle", "score / cut score", "form", "on", "attempts", "expires_on"]
    return _with_renewals(chosen)[columns].set_index("coach_id")


def _last_review(row: Any) -> str:
    if not row.review_attempts:
        return ""
    verdict = "failed" if row.last_review_failed == "yes" else "passed"
    return f"{row.last_review_on}: {row.last_review} ({verdict})"


def write_report(renewals: Renewals) -> Notice:
    """Write the full report into ``REPORT_FOLDER/<date>/`` (readable by its owner only) and say where."""
    from .commands import REPORT_FILES
    from .commands import write_report as write_report_files
    from .private_files import make_private_directory

    nothing = _nothing_to_show(renewals)
    if nothing is not None:
        return Notice("No report written: there are no coaches yet." if renewals.problem is None
                      else "No report written: see the message under the settings.")
    folder = renewals.report_folder / renewals.on.isoformat()  # type: ignore[union-attr]
    try:
        make_private_directory(renewals.report_folder)
        written = write_report_files(table=renewals.table, reviews=renewals.reviews,  # type: ignore[arg-type]
                                     source=renewals.events.name, output_dir=folder)
    except OSError as error:
        return Notice(f"The report could not be written in {folder.absolute()}: {error.strerror}. "
                      "Set REPORT_FOLDER to a folder of your own and run the notebook again.")
    names = {path.name for path in written}
    listed = "\n".join(f"  {name}" for name in REPORT_FILES.values() if name in names)
    return Notice(f"The report for {renewals.on.isoformat()} is in {folder.absolute()} "  # type: ignore[union-attr]
                  f"(only you can open it):\n{listed}\n"
                  f"Start with {REPORT_FILES['summary']}; running the notebook again for the same "
                  "day replaces these files.")


def apply_committee(renewals: Renewals, credentials: str | Path | None = None) -> Notice:
    """Apply the committee's decisions in the log, up to the day, to the credentials the office issued.

    ``credentials`` is the office folder of ``trainingkit certificate`` (``None``: the usual one);
    a folder that was never set up means no credentials to change. A suspension cleared gets its
    new certificate PDF in the day's report folder. Applying the same log twice changes nothing.
    """
    from trainingkit.credentials import OfficeFolder, decisions_in
    from trainingkit.credentials.keys import KeyFolderError
    from trainingkit.credentials.office import OfficeError
    from trainingkit.credentials.register import RegisterError

    from .commands import apply_committee as apply_decisions

    if _nothing_to_show(renewals) is not None:
        return Notice("No credential checked: see the message under the settings.")
    folder = OfficeFolder.locate(Path(credentials).expanduser() if credentials not in (None, "") else None)
    if not folder.settings_file.exists():
        return Notice(f"No credentials are issued from {folder.path} (`trainingkit certificate setup` makes that "
                      "folder), so the committee's decisions have none to change.")
    report = renewals.report_folder / renewals.on.isoformat()  # type: ignore[union-attr]
    try:
        lines, _ = apply_decisions(decisions_in(renewals.log, renewals.on), folder.path, report)
    except (OfficeError, KeyFolderError, RegisterError) as error:
        return Notice(f"The credentials were not changed: {error}")
    except OSError as error:
        return Notice(f"The credentials were not changed: {error.filename}: {error.strerror}.")
    return Notice("\n".join(lines))


def log_grid(renewals: Renewals) -> Any:
    """The grid that edits the log ``EVENTS`` (:class:`.logeditor.LogEditor`), checked on save with the
    results register's reviews; it reads the file itself, so it shows a log that breaks a rule too."""
    from .logeditor import LogEditor
    from .logfile import read_results

    try:
        reviews = read_results(renewals.results)
    except EventLogError:
        reviews = []  # the message under the settings says why; lines are still checked on their own rules
    return LogEditor(renewals.events, reviews=reviews, rules=renewals.rules)


def coach_timeline(renewals: Renewals) -> Any:
    """One coach's history through the day, as a picture; or a notice saying why there is none."""
    from .commands import timeline_picture

    if renewals.coach is None:
        return Notice("Set COACH to a coach id, such as \"C042\", to see that coach's history here.")
    nothing = _nothing_to_show(renewals)
    if nothing is not None:
        return nothing
    try:
        png, alt = timeline_picture(renewals.log, coach_id=renewals.coach,  # type: ignore[arg-type]
                                    until=renewals.on, rules=renewals.rules)
    except EventLogError as error:
        return Notice(f"No history to draw: {error.message}. Check COACH against the coach_id "
                      "column of the log.")
    return Picture(png, alt)


def office_policy(rules: RenewalRules = DEFAULT_RULES) -> Notice:
    """The certification office's settings the statuses are counted with, in plain words."""
    return Notice("\n".join([
        "Certification office policy (not part of the Code), as set in "
        "src/trainingkit/renewal/settings.py:",
        f"  A certification cycle lasts {rules.cycle_years} years. A renewal recorded by the end of the "
        "grace months carries on from the old expiry date; a later one starts the new cycle on its own day.",
        f"  The renewal window opens {rules.window_days} days before it expires.",
        "  An ethics review passes when its score is at or above the cut score of the form sat "
        "(coursework/forms.yaml; the same mark the form, the feedback and the certificate state), "
        "compared unrounded; it counts for a renewal only if taken once the window is open.",
        f"  A review line written before lines carried a cut score is read against {LEGACY_CUT_SCORE:g}, "
        "the office's former scale, and flagged as a legacy line.",
        f"  After expiry, a passed review still renews for {rules.grace_months} months (the grace months).",
        f"  After that, a renewal also needs {rules.supervision_hours:g} hours of one-to-one supervision "
        "with one supervisor and that supervisor's competent verdict.",
        "  A not competent verdict refers the coach to the Professional Standards Committee.",
        f"  A charge must be reported to the committee within {rules.charge_report_days} days.",
    ]))


def event_guide() -> Any:
    """What each event of the log needs in its columns: the README's table, drawn as Markdown.

    The table is the project's own text (:func:`.events.event_table_markdown`), never the log's.
    """
    from IPython.display import Markdown

    from .events import event_table_markdown

    return Markdown(event_table_markdown())
