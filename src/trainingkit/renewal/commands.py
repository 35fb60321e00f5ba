"""What each ``trainingkit renewal`` command does, as keyword-only functions.

The click layer in :mod:`.cli` only parses options and calls these. Every
function reads and checks all of its input before it writes anything, and
writes each file privately and atomically (:func:`trainingkit.files.write_atomically`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from trainingkit.files import write_atomically

from .eventlog import EventLog, EventLogError, paused_garbage_collection
from .history import status_history
from .logfile import read_event_log, read_results, read_statuses
from .private_files import make_private_directory
from .reviews import ReviewAttempts, review_attempts
from .settings import DEFAULT_RULES, RenewalRules
from .status import StatusTable

__all__ = ["REPORT_FILES", "run_report", "run_status", "run_timeline", "run_windows", "timeline_picture",
           "timeline_png", "write_report"]

#: What :func:`run_report` writes about credentials when given the office's folder.
CREDENTIAL_CHANGES = "credential-changes.txt"

#: What :func:`run_report` writes into its output directory.
REPORT_FILES = {
    "status": "renewal-status.csv",
    "counts": "renewal-counts.csv",
    "reviews": "renewal-reviews.csv",
    "due_per_month": "renewals-due-per-month.csv",
    "summary": "renewal-summary.md",
    "due_plot": "renewals-due-per-month.png",
}


def load_statuses(
    *,
    events: Path,
    on: date,
    results: Path | None = None,
    rules: RenewalRules = DEFAULT_RULES,
) -> StatusTable:
    """Read the event log (plus the results register's reviews, if given) and read it on ``on``."""
    return read_statuses(events, on, rules=rules, reviews=read_results(results))


def run_status(
    *,
    events: Path,
    on: date,
    output: Path | None = None,
    results: Path | None = None,
    rules: RenewalRules = DEFAULT_RULES,
) -> str:
    """Return the status CSV for every coach on ``on``; also write it to ``output`` if given."""
    from .report import status_csv

    table = load_statuses(events=events, on=on, results=results, rules=rules)
    text = status_csv(table)
    if output is not None:
        write_atomically(output, text)
    return text


def run_windows(*, events: Path, on: date, publish: Path | None = None, results: Path | None = None,
                rules: RenewalRules = DEFAULT_RULES) -> str:
    """The office's list of open renewal windows on ``on`` (CSV); also published to ``publish`` if given:
    replaced in one rename, and readable by the course's grader account (0644 in a folder only the
    grader and the office's group can enter)."""
    from .windows import open_windows, windows_csv

    text = windows_csv(open_windows(load_statuses(events=events, on=on, results=results, rules=rules)))
    if publish is not None:
        write_atomically(publish, text, mode=0o644)
    return text


def run_report(
    *,
    events: Path,
    on: date,
    output_dir: Path,
    results: Path | None = None,
    rules: RenewalRules = DEFAULT_RULES,
    months: int = 24,
    pseudonymise: bool = False,
    office: Path | None = None,
) -> list[Path]:
    """Write the office report (see :data:`REPORT_FILES`) into ``output_dir``; return the paths.

    ``results`` is the results register (:mod:`trainingkit.exam.results`): its review lines of
    coaches the log has certified are read beside the log's own.

    With ``office`` (the certification body's folder, :mod:`trainingkit.credentials`), the
    committee's decisions dated on or before ``on`` also revoke (and, when a suspension is
    cleared, reissue) the coaches' credentials and republish the status list; what changed is
    written to ``credential-changes.txt`` in ``output_dir``.
    """
    if office is not None:  # a folder that is not set up stops the command before anything is written
        from trainingkit.credentials import OfficeFolder

        OfficeFolder.locate(office).issuer()
    with paused_garbage_collection():  # as read_statuses does, for large logs
        log = read_event_log(events, reviews=read_results(results))
        table = log.statuses_on(on, rules)
        reviews = review_attempts(log, table, rules)
        decisions = _committee_decisions(log, on) if office is not None else []
        del log
    paths = write_report(table=table, reviews=reviews, source=Path(events).name, output_dir=output_dir,
                         months=months, pseudonymise=pseudonymise)
    if office is not None:
        lines, certificates = apply_committee(decisions, office, Path(output_dir))
        paths += certificates
        paths.append(write_atomically(Path(output_dir) / CREDENTIAL_CHANGES, "\n".join(lines) + "\n"))
    return paths


def apply_committee(decisions: Sequence, office: Path | None, folder: Path) -> tuple[list[str], list[Path]]:  # type: ignore[type-arg]
    """Apply the committee's ``decisions`` to the credentials of the office folder ``office``; a suspension
    cleared gets its new certificate PDF in ``folder``. Returns what changed, in lines, and the PDFs written."""
    from trainingkit.credentials import OfficeFolder, apply_committee_decisions
    from trainingkit.exam.certificate import write_pdf

    found = OfficeFolder.locate(office)
    outcome = apply_committee_decisions(office=found, decisions=decisions, now=datetime.now(UTC))
    lines, written = outcome.summary() or ["No credential changed."], []
    if outcome.reissued:
        issuer = found.issuer()
        make_private_directory(folder)
        for _, new in outcome.reissued:
            pdf = folder / f"certificate-{new.code}.pdf"
            write_pdf(new.record.facts, code=new.code, issuer_name=issuer.name,
                      check_at=issuer.credential_id(new.code), path=pdf)
            written.append(pdf)
            lines.append(f"Wrote {pdf.name} for {new.record.facts.coach_id}: send it with credentials/{new.code}.json")
    return lines, written


def _committee_decisions(log: EventLog, on: date) -> list:  # type: ignore[type-arg]
    from trainingkit.credentials import decisions_in

    return decisions_in(log, on)


def write_report(
    *,
    table: StatusTable,
    reviews: Sequence[ReviewAttempts],
    source: str,
    output_dir: Path,
    months: int = 24,
    pseudonymise: bool = False,
) -> list[Path]:
    """Write the office report of ``table`` (see :data:`REPORT_FILES`) into ``output_dir``; return the paths.

    ``reviews`` are the coaches' review attempts in the table's order, and ``source`` names
    the event log in the summary. The office's notebook writes its report with this too.
    """
    from .plots import png_bytes, renewals_due_figure
    from .report import (
        office_summary,
        pseudonymised,
        renewals_due_per_month,
        review_csv,
        status_counts,
        status_csv,
    )

    if pseudonymise:
        table = pseudonymised(table)
    due_per_month = renewals_due_per_month(table, months=months)
    contents: dict[str, str | bytes] = {
        "status": status_csv(table),
        "counts": status_counts(table).to_csv(lineterminator="\n"),
        "reviews": review_csv(table, reviews),
        "due_per_month": due_per_month.to_csv(lineterminator="\n"),
        "summary": office_summary(table, source=source, due_per_month=due_per_month, reviews=reviews),
        "due_plot": png_bytes(renewals_due_figure(due_per_month, on=table.on)),
    }
    directory = make_private_directory(output_dir)
    return [write_atomically(directory / REPORT_FILES[name], content)
            for name, content in contents.items()]


def run_timeline(
    *,
    events: Path,
    coach_id: str,
    output: Path,
    until: date,
    results: Path | None = None,
    rules: RenewalRules = DEFAULT_RULES,
    pseudonym: str | None = None,
) -> Path:
    """Plot one coach's history through ``until`` to the PNG ``output``.

    The whole log is checked first, as for the other commands. ``pseudonym``,
    if given, is shown instead of the coach id.
    """
    log = read_event_log(events, reviews=read_results(results))
    log.check(rules)
    return write_atomically(output, timeline_png(log, coach_id=coach_id, until=until, rules=rules,
                                                 pseudonym=pseudonym))


def timeline_png(log: EventLog, *, coach_id: str, until: date, rules: RenewalRules = DEFAULT_RULES,
                 pseudonym: str | None = None) -> bytes:
    """Draw one coach's history through ``until`` from a checked ``log``; return the PNG's bytes.

    Raises :class:`EventLogError` if the log never names the coach, or not on or before ``until``.
    """
    return timeline_picture(log, coach_id=coach_id, until=until, rules=rules, pseudonym=pseudonym)[0]


def timeline_picture(log: EventLog, *, coach_id: str, until: date, rules: RenewalRules = DEFAULT_RULES,
                     pseudonym: str | None = None) -> tuple[bytes, str]:
    """One coach's history as :func:`timeline_png` draws it, and the same history in words (its alt text)."""
    from .plots import png_bytes, timeline_description, timeline_figure

    coach_events = log.events(coach_id)
    if not coach_events:
        raise EventLogError(log.path, None, f"no events for coach {coach_id}")
    spans = status_history(coach_events, until=until, rules=rules)
    if not spans:
        raise EventLogError(
            log.path, None, f"coach {coach_id} has no events on or before {until.isoformat()}"
        )
    shown = [event for event in coach_events if event.on <= until]
    title = f"Certification history of {pseudonym or coach_id}, through {until.isoformat()}"
    return (png_bytes(timeline_figure(title=title, spans=spans, events=shown, rules=rules)),
            timeline_description(title=title, spans=spans, events=shown))
