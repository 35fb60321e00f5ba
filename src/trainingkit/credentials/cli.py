"""``trainingkit certificate``: set up the issuer, issue, verify, rotate the key. A thin click layer.

Exit status: 0 done (or valid), 1 the credential is not valid (not genuine, revoked, expired,
cannot be checked), 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click

__all__ = ["certificate"]

PUBLISHED_ENV = "TRAININGKIT_PUBLISHED"
#: A copy of the course's fixed forms register (the hub's office, which cannot reach the course).
FORMS_ENV = "TRAININGKIT_FORMS"


class CertificateInputError(click.ClickException):
    """Input that cannot be used; exit status 2."""

    exit_code = 2


OFFICE = click.option("--office", type=click.Path(file_okay=False, path_type=Path), default=None,
                      help="The office's private folder [default: $TRAININGKIT_OFFICE or ~/.trainingkit/office].")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@click.group("certificate")
def certificate() -> None:
    """Open Badges 3.0 credentials for coaches who pass the ethics review: issue, verify, revoke."""


@certificate.command("setup")
@click.option("--name", required=True, help="The certification body's name, as credentials show it.")
@click.option("--url", "base_url", required=True, help="The https address where the office publishes its "
              "published/ folder, e.g. https://certification.example.org/coaches.")
@click.option("--publish-dir", "publish_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the public files, when not published/ in the office folder; recorded at the "
                   "first setup [default: $TRAININGKIT_PUBLISHED, e.g. the hub's folder everyone there reads].")
@OFFICE
def setup(name: str, base_url: str, publish_dir: Path | None, office: Path | None) -> None:
    """Make the office's private folder, its first signing key and the public files to publish."""
    from trainingkit.credentials.issue import publish
    from trainingkit.credentials.keys import KeyFolderError
    from trainingkit.credentials.office import Issuer, OfficeError, OfficeFolder
    from trainingkit.credentials.register import read_register

    folder = OfficeFolder.locate(office)
    if publish_dir is None and os.environ.get(PUBLISHED_ENV) and not folder.settings_file.exists():
        publish_dir = Path(os.environ[PUBLISHED_ENV])  # the hub's: where everyone there verifies
    try:
        folder.set_up(Issuer(name, base_url), publish_dir)
        publish(folder, read_register(folder.register_file), _now())
    except (OfficeError, KeyFolderError) as error:
        raise CertificateInputError(str(error)) from None
    click.echo(f"Office folder: {folder.path} (private)\nPublish {folder.published.path} at {base_url}")


@certificate.command("issue")
@click.option("--coach", required=True, help="The coach's id in the renewal log.")
@click.option("--name", required=True, help="The name printed on the certificate.")
@click.option("--cycle", type=click.IntRange(min=1), required=True, help="The renewal cycle of the form taken.")
@click.option("--score", type=float, required=True, help="The score, in percent, unrounded.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Date passed [default: today].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The PDF to write; the credential (JSON) goes beside it.")
@click.option("--events", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The office's renewal log: a coach it does not hold, or whom the committee has suspended "
                   "(not yet cleared) or revoked, gets no credential.")
@OFFICE
def issue(coach: str, name: str, cycle: int, score: float, on: dt.datetime | None, output: Path,
          events: Path, office: Path | None) -> None:
    """Sign a coach's credential against the cut score of the cycle's fixed form; write it and its PDF."""
    from trainingkit.bank import load_bank
    from trainingkit.course import Course
    from trainingkit.credentials.issue import issue_credential
    from trainingkit.credentials.keys import KeyFolderError
    from trainingkit.credentials.office import OfficeError, OfficeFolder, write_public
    from trainingkit.exam.certificate import CertificateError, certified_facts, review_event, write_pdf
    from trainingkit.exam.forms import read_register, replaced_on

    if os.environ.get(FORMS_ENV):  # the hub's office: the cut scores without the course (or its bank)
        course_root, forms_file = None, Path(os.environ[FORMS_ENV])
        fixed = read_register(forms_file, None)
    else:
        course = Course.locate()
        course_root, forms_file = course.root, course.forms_file
        fixed = read_register(forms_file, load_bank(course.bank_dir))
    if cycle not in fixed:
        raise CertificateInputError(f"cycle {cycle}'s form is not fixed in {forms_file}: no cut score to pass")
    today = dt.date.today()
    _check_standing(events, coach, on.date() if on else today)
    folder = OfficeFolder.locate(office)
    try:
        facts = certified_facts(
            coach_id=coach, name=name, cycle=cycle, score=score, cut_score=fixed[cycle].cut.percent,
            passed_on=on.date() if on else today, form_fixed_on=dt.date.fromisoformat(fixed[cycle].fixed_on),
            next_form_fixed_on=dt.date.fromisoformat(replaced) if (replaced := replaced_on(fixed, cycle)) else None,
            today=today)
        folder.check_outside(course_root)
        issuer = folder.issuer()
        issued = issue_credential(office=folder, facts=facts, now=_now())
    except (CertificateError, OfficeError, KeyFolderError) as error:
        raise CertificateInputError(str(error)) from None
    credential_file = output.with_suffix(".json")
    write_public(credential_file, issued.credential)
    write_pdf(facts, code=issued.code, issuer_name=issuer.name, check_at=issuer.credential_id(issued.code),
              path=output)
    click.echo(f"Wrote {output} and {credential_file}\nVerification code: {issued.code}\n"
               f"Publish {folder.published.path} at {issuer.base_url}\nRenewal log line: {review_event(facts)}")


def _check_standing(events: Path, coach: str, on: dt.date) -> None:
    """Refuse a coach the log does not hold, or one the committee bars on ``on``."""
    from trainingkit.credentials.committee import barred_by, decisions_in
    from trainingkit.renewal.eventlog import EventLogError
    from trainingkit.renewal.logfile import read_event_log

    try:
        log = read_event_log(events)
    except EventLogError as error:
        raise CertificateInputError(str(error)) from None
    if coach not in log.coach_ids:
        raise CertificateInputError(f"{events}: no coach {coach!r}; a credential goes only to a coach the office's "
                                    "renewal log holds")
    decision = barred_by(decisions_in(log, on), coach, on)
    if decision is not None:
        raise CertificateInputError(
            f"{events}: the committee {decision.outcome} {coach} on {decision.on}: no credential "
            + ("can be issued" if decision.outcome == "revoked" else "until a 'cleared' decision is recorded"))


@certificate.command("verify")
@click.argument("reference", metavar="FILE|CODE")
@click.option("--published", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A copy of the certification body's published folder (issuer.json, status-list.json, "
                   "credentials/) [default: $TRAININGKIT_PUBLISHED].")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Check as of [default: today].")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def verify(reference: str, published: Path | None, on: dt.datetime | None, as_json: bool) -> None:
    """Check a credential (file or verification code) with public material only; exit 1 unless valid."""
    from trainingkit.credentials.office import PublishedFolder
    from trainingkit.credentials.verify import Outcome, verify_reference

    if published is None and not os.environ.get(PUBLISHED_ENV):
        raise CertificateInputError("say where the certification body's published files are: --published FOLDER "
                                    f"or {PUBLISHED_ENV} (a copy of the folder at its web address)")
    folder = PublishedFolder(published or Path(os.environ[PUBLISHED_ENV]))
    result = verify_reference(reference, published=folder, on=on.date() if on else dt.date.today())
    facts = result.facts
    if as_json:
        click.echo(json.dumps({"outcome": str(result.outcome), "reason": result.reason, "code": result.code,
                               "issuer": result.issuer.id if result.issuer else None,
                               "facts": None if facts is None else {
                                   "coach_id": facts.coach_id, "name": facts.name, "cycle": facts.cycle,
                                   "passed_on": str(facts.passed_on), "valid_until": str(facts.valid_until),
                                   "score": facts.score, "cut_score": facts.cut_score}}, indent=2))
    else:
        click.echo(f"{str(result.outcome).upper()}: {result.reason}")
        if facts is not None:
            click.echo(f"{facts.name} (coach {facts.coach_id}) passed the ethics review on {facts.passed_on} "
                       f"(form of cycle {facts.cycle}), scoring {facts.score:g}% against a cut score of "
                       f"{facts.cut_score:g}%; certified through {facts.valid_until}. Code {result.code}.")
    if result.outcome is not Outcome.VALID:
        raise SystemExit(1)


@certificate.command("rotate-key")
@OFFICE
def rotate(office: Path | None) -> None:
    """Sign with a new key from now on; the old public keys stay published, so old credentials verify."""
    from trainingkit.credentials.issue import rotate_signing_key
    from trainingkit.credentials.keys import KeyFolderError
    from trainingkit.credentials.office import OfficeError, OfficeFolder

    folder = OfficeFolder.locate(office)
    try:
        key = rotate_signing_key(office=folder, now=_now())
    except (OfficeError, KeyFolderError) as error:
        raise CertificateInputError(str(error)) from None
    click.echo(f"Signing with {key.name} from now on; republish {folder.published.path}")
