"""The course service: a JupyterHub service, run as the grader account, that is the course's only door.

Every request carries the caller's own hub token (``Authorization: token ...``, the
``JUPYTERHUB_API_TOKEN`` of their server); the hub says whose it is and whether it holds
``access:services!service=NAME``, which only the course's members' servers get. Identity
never comes from the request's body, a file name or a folder's owner.

```
GET  PREFIX/api/assignments                    what the caller may fetch
GET  PREFIX/api/assignments/ID                 its files (base64)
POST PREFIX/api/submissions/ID                 a submission (trainingkit.exchange.submission)
GET  PREFIX/api/submissions                    the caller's own submissions, with their feedback
GET  PREFIX/api/feedback/ID/STAMP              feedback on one of the caller's own submissions
```

The ethics review's forms are offered by the review desk (:mod:`trainingkit.exchange.reviews`):
a coach sees, fetches and submits only the form of their open sitting, once; nobody else sees
any. A second submission of a closed sitting, or one after the sitting's due date (by the
service's own clock), is refused (409) with a plain message, and nothing of it is kept.

A refused submission is answered with a plain message (400, 403, 404, 413 or 429) and
logged with the caller's name; nothing one person sends is kept unless it is whole and
valid, and the request size is bounded before it is read, so no one can stop or slow the
others. Run with ``python -m trainingkit.exchange.service`` (the hub does).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuth, HubAuthenticated
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from trainingkit.exam.sittings import Sitting, SittingError, closed_message, submit
from trainingkit.exchange.reviews import ReviewDesk, with_sitting_header
from trainingkit.exchange.store import ASSIGNMENT_ID, STAMP, USERNAME, CourseStore, Receipt, StoreError
from trainingkit.exchange.submission import MAX_BODY_BYTES, SubmissionRefused, check_submission

#: Seconds one person waits between two submissions (a double click is one submission).
MIN_SECONDS_BETWEEN_SUBMISSIONS = 2.0
log = logging.getLogger("trainingkit.course-service")


class CourseHandler(HubAuthenticated, web.RequestHandler):  # type: ignore[misc]
    """A request from a course member; answers and errors are JSON."""

    def initialize(self, store: CourseStore, hub_auth: Any, clock: Callable[[], dt.datetime],
                   last_submission: dict[str, float], desk: ReviewDesk | None) -> None:
        self.store = store
        self.desk = desk
        self.hub_auth = hub_auth
        self.clock = clock
        self.last_submission = last_submission

    def check_xsrf_cookie(self) -> None:  # token-authenticated API: no cookies are accepted
        return

    def get_login_url(self) -> str:  # an API: no one is sent to a login page
        raise web.HTTPError(403, "no hub token: the course service answers the course's members only")

    @property
    def caller(self) -> str:
        """The hub's name for the caller, who must be a person (not a service) with a valid name."""
        model = self.current_user
        if not model or model.get("kind", "user") != "user" or not USERNAME.match(model.get("name", "")):
            raise web.HTTPError(403, "only the course's members use the course service")
        return model["name"]

    def reply(self, status: int, document: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(document))

    def refuse(self, status: int, message: str) -> None:
        user = self.current_user.get("name") if isinstance(self.current_user, dict) else None
        log.warning("refused %s %s from %s: %s", self.request.method, self.request.path, user or "unknown", message)
        self.reply(status, {"error": message})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reason = self._reason
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, web.HTTPError) and error.log_message:
            reason = error.log_message
        self.reply(status_code, {"error": reason})

    def assignment(self, assignment_id: str) -> str:
        if not ASSIGNMENT_ID.match(assignment_id) or not self.store.is_released(assignment_id):
            raise web.HTTPError(404, f"{assignment_id[:80]!r} is not an assignment released to you")
        return assignment_id

    def sitting(self, user: str) -> Sitting | None:
        """The caller's latest review sitting (None: no desk, not a coach, or never offered)."""
        return self.desk.latest(user, self.desk.day_of(self.clock())) if self.desk is not None else None

    def hidden(self, sitting: Sitting | None) -> frozenset[str]:
        return self.desk.hidden(sitting) if self.desk is not None else frozenset()


class AssignmentsHandler(CourseHandler):
    @web.authenticated
    def get(self) -> None:
        user = self.caller
        sitting = self.sitting(user)
        hidden = self.hidden(sitting)
        listed = []
        for aid in self.store.released():
            entry: dict[str, Any] = {"assignment_id": aid, "notebooks": self.store.released_notebooks(aid)}
            if sitting is not None and aid == sitting.assignment_id:
                entry["due"] = sitting.due.isoformat()
                if not sitting.is_open:  # listed so that a second submit is told why, never fetched
                    entry["closed"] = closed_message(sitting)
            elif aid in hidden:
                continue
            listed.append(entry)
        self.reply(200, {"assignments": listed})


class AssignmentHandler(CourseHandler):
    @web.authenticated
    def get(self, assignment_id: str) -> None:
        user = self.caller
        sitting = self.sitting(user)
        if assignment_id in self.hidden(sitting):
            raise web.HTTPError(404, f"{assignment_id[:80]!r} is not an assignment released to you")
        files = self.store.released_files(self.assignment(assignment_id))
        if sitting is not None and sitting.assignment_id == assignment_id:
            files = {name: with_sitting_header(data, sitting) if name.endswith(".ipynb") and "/" not in name else data
                     for name, data in files.items()}
        self.reply(200, {"assignment_id": assignment_id,
                         "files": {name: base64.b64encode(data).decode() for name, data in files.items()}})


class SubmissionsHandler(CourseHandler):
    @web.authenticated
    def get(self, assignment_id: str | None = None) -> None:
        receipts = self.store.submissions(self.caller, assignment_id and self.assignment(assignment_id))
        self.reply(200, {"submissions": [_describe(self.store, receipt) for receipt in receipts]})

    @web.authenticated
    def post(self, assignment_id: str) -> None:
        user = self.caller
        assignment_id = self.assignment(assignment_id)
        sitting = None  # a closed sitting is said to be closed, however soon after its submission
        received = self.clock()  # the service's time decides lateness and stamps the receipt alike
        if self.desk is not None and assignment_id in self.desk.review_ids:
            try:
                sitting = self.desk.to_submit(user, assignment_id, self.desk.day_of(received))
            except SittingError as error:
                return self.refuse(409, str(error))
        now = time.monotonic()
        if now - self.last_submission.get(user, -1e9) < MIN_SECONDS_BETWEEN_SUBMISSIONS:
            return self.refuse(429, "you submitted a moment ago; wait a few seconds and submit again")
        try:
            submission = check_submission(self.request.body, self.store.released_notebooks(assignment_id))
            receipt = self.store.receive(user, assignment_id, submission, received)
        except (SubmissionRefused, StoreError) as error:
            return self.refuse(400, f"{assignment_id}: your submission was not kept: {error}")
        self.last_submission[user] = now
        if sitting is not None:  # the handler runs alone on the service's one thread: no second submit between
            self.desk.register.submitted(  # type: ignore[union-attr]
                submit(sitting, receipt.submitted_at, self.desk.zone))  # type: ignore[union-attr]
            log.info("sitting %d of coach %s closed by its submission", sitting.number, sitting.coach_id)
        log.info("kept %s's submission of %s at %s (%d answers)", user, assignment_id, receipt.timestamp,
                 len(submission.answers))
        self.reply(201, {"receipt": _describe(self.store, receipt)})


class FeedbackHandler(CourseHandler):
    @web.authenticated
    def get(self, assignment_id: str, stamp: str) -> None:
        user = self.caller
        if not ASSIGNMENT_ID.match(assignment_id) or not STAMP.match(stamp):
            raise web.HTTPError(404, "no such submission")
        files = self.store.feedback(Receipt(user, assignment_id, stamp))
        self.reply(200, {"files": {name: data.decode("utf-8", "replace") for name, data in files.items()}})


def _describe(store: CourseStore, receipt: Receipt) -> dict[str, Any]:
    feedback = store.feedback(receipt)
    return {"assignment_id": receipt.assignment_id, "stamp": receipt.stamp, "timestamp": receipt.timestamp,
            "feedback": {name: hashlib.sha256(data).hexdigest() for name, data in feedback.items()}}


def make_app(store: CourseStore, prefix: str, hub_auth: Any,
             clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
             desk: ReviewDesk | None = None) -> web.Application:
    settings = {"store": store, "hub_auth": hub_auth, "clock": clock, "last_submission": {}, "desk": desk}
    api = prefix.rstrip("/") + "/api"
    return web.Application([
        (f"{api}/assignments", AssignmentsHandler, settings),
        (f"{api}/assignments/([^/]+)", AssignmentHandler, settings),
        (f"{api}/submissions", SubmissionsHandler, settings),
        (f"{api}/submissions/([^/]+)", SubmissionsHandler, settings),
        (f"{api}/feedback/([^/]+)/([^/]+)", FeedbackHandler, settings),
    ], login_url=None)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s")
    from trainingkit.course import Course

    course = Course.locate()  # TRAININGKIT_ROOT: the grader's course
    store = CourseStore(course.course_store).create()
    desk = review_desk(course)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    hub_auth = HubAuth(cache_max_age=60)
    if not hub_auth.access_scopes:  # without them HubAuthenticated would let every hub user in
        raise SystemExit("the course service needs JUPYTERHUB_SERVICE_NAME (or JUPYTERHUB_OAUTH_ACCESS_SCOPES) "
                         "to know who may call it; it is not started without")
    app = make_app(store, prefix, hub_auth, desk=desk)
    server = HTTPServer(app, max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BODY_BYTES + 65536)
    server.listen(url.port or 80, url.hostname or "127.0.0.1")
    log.info("course service on %s%s, store %s", url.geturl(), prefix, store.root)
    IOLoop.current().start()


def review_desk(course: Any) -> ReviewDesk:
    """The review desk of ``course``: its review forms, roster, register, and the office's windows list."""
    from pathlib import Path

    from trainingkit.assignments import AssignmentError
    from trainingkit.bank import BankError
    from trainingkit.course_settings import CourseSettingsError, read_course_settings
    from trainingkit.exam.forms import RegisterError
    from trainingkit.exam.sitting_register import SittingRegister, review_forms

    try:
        forms = tuple(review_forms(course))
    except (AssignmentError, BankError, RegisterError) as error:
        raise SystemExit(f"the course service cannot read the review forms: {error}") from None
    try:
        zone = read_course_settings(course.settings_file).zone
    except CourseSettingsError as error:
        raise SystemExit(f"the course service cannot read the course's settings: {error}") from None
    windows = os.environ.get("TRAININGKIT_REVIEW_WINDOWS")
    return ReviewDesk(SittingRegister.of(course), forms, course.roster_file, Path(windows) if windows else None,
                      zone)


if __name__ == "__main__":
    main()
