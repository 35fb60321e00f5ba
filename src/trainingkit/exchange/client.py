"""nbgrader's exchange on a trainee's side: fetch, submit, list and fetch feedback through the course service.

These run in the trainee's own processes (their server's Assignments panel, or
``nbgrader submit`` in their terminal) and call the course service with the trainee's own
hub token (``JUPYTERHUB_API_TOKEN``) at ``TRAININGKIT_COURSE_SERVICE_URL``. The answers
file and notebooks are read here, as the trainee: a link to something they cannot read
fails here, a named pipe or device is refused, and nothing larger than the service takes is
sent. Who submits is the hub's business: ``--student`` is not sent anywhere.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import stat
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any

from nbgrader.exchange.abc import (Exchange, ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeList,
                                   ExchangeSubmit)
from traitlets import Bool, Unicode, default

from trainingkit.answers import ANSWERS_FILE, MAX_ANSWERS_BYTES
from trainingkit.exchange.submission import MAX_NOTEBOOK_BYTES
from trainingkit.returned import score_of_feedback

URL_ENV = "TRAININGKIT_COURSE_SERVICE_URL"
#: How long a call to the course service may take before the trainee is told it is busy.
TIMEOUT_SECONDS = 120


class ServiceExchange(Exchange):
    """What every trainee-side plugin shares: where the service is, and how to call it."""

    path_includes_course = Bool(False, help="Fetched assignments go in a folder named after the course.").tag(
        config=True)
    service_url = Unicode(help="The course service's address (its API is under api/).").tag(config=True)

    @default("service_url")
    def _service_url(self) -> str:
        return os.environ.get(URL_ENV, "")

    def call(self, method: str, path: str, body: bytes | None = None) -> dict[str, Any]:
        """The service's JSON answer to one request, or :meth:`fail` with its message."""
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not self.service_url or not token:
            self.fail("the course service is not set up here (no TRAININGKIT_COURSE_SERVICE_URL or hub token); "
                      "submit from your JupyterHub server")
        request = urllib.request.Request(self.service_url.rstrip("/") + "/api/" + path, data=body, method=method,
                                         headers={"Authorization": f"token {token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read()).get("error") or error.reason
            except (ValueError, AttributeError):
                message = error.reason
            self.fail(f"the course service said: {message}")
        except (urllib.error.URLError, OSError) as error:
            self.fail(f"the course service cannot be reached ({getattr(error, 'reason', error)}); "
                      "try again in a minute, and tell your supervisor if it goes on")
        raise AssertionError("unreachable")

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    def local_dir(self, assignment_id: str) -> Path:
        base = Path(self.assignment_dir)
        return base / self.course_id / assignment_id if self.path_includes_course else base / assignment_id

    @property
    def student_id(self) -> str:
        return os.environ.get("JUPYTERHUB_USER", "")

    def set_timestamp(self) -> None:  # the service's clock is the only one that counts
        self.timestamp = ""


def read_own_file(path: Path, limit: int) -> bytes | None:
    """``path``'s bytes, read as the trainee; None if there is none. Refuses all but a regular file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OSError(error.errno, f"{path}: cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(errno.EINVAL, f"{path}: not a regular file, so it cannot be submitted")
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"{path}: larger than the {limit:,} bytes the course takes")
    return data


class ServiceFetchAssignment(ExchangeFetchAssignment, ServiceExchange):
    """Copies a released assignment from the service into the trainee's folder."""

    def start(self) -> None:
        assignment_id = self.coursedir.assignment_id
        answer = self.call("GET", f"assignments/{assignment_id}")
        target = self.local_dir(assignment_id)
        if target.exists() and not self.replace_missing_files:
            self.fail(f"you already have {assignment_id} in {target}; your copy is kept as it is")
        for name, data in answer["files"].items():
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                self.fail(f"{assignment_id}: the service sent a file named {name!r}; nothing more was written")
            path = target.joinpath(*relative.parts)
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(data))
            self.log.info("Fetched %s", path)
        self.log.info("Fetched %s into %s", assignment_id, target)


class ServiceSubmit(ExchangeSubmit, ServiceExchange):
    """Sends the trainee's answers file (and, for the record, their notebooks) to the service."""

    def start(self) -> None:
        assignment_id = self.coursedir.assignment_id
        folder = self.local_dir(assignment_id)
        if not folder.is_dir():
            self.fail(f"{assignment_id}: nothing to submit in {folder}; fetch the assignment first")
        listed = {item["assignment_id"]: item for item in self.call("GET", "assignments")["assignments"]}
        if assignment_id not in listed:
            self.fail(f"{assignment_id} is not an assignment released to you")
        if listed[assignment_id].get("closed"):  # a review sitting already submitted: the service says why
            self.fail(listed[assignment_id]["closed"])
        released = {aid: item["notebooks"] for aid, item in listed.items()}
        try:
            answers = read_own_file(folder / ANSWERS_FILE, MAX_ANSWERS_BYTES)
            notebooks = {name: read_own_file(folder / name, MAX_NOTEBOOK_BYTES) for name in released[assignment_id]}
        except OSError as error:
            self.fail(f"{assignment_id}: not submitted: {error.strerror or error}")
        missing = sorted(name for name, data in notebooks.items() if data is None)
        if missing and self.strict:
            self.fail(f"{assignment_id}: not submitted: {', '.join(missing)} missing from {folder}")
        for name in missing:
            self.log.warning("%s is missing from %s; submitting without it", name, folder)
        try:
            body = {"answers": answers.decode("utf-8") if answers is not None else None,
                    "notebooks": {name: data.decode("utf-8") for name, data in notebooks.items() if data is not None}}
        except UnicodeDecodeError as error:
            self.fail(f"{assignment_id}: not submitted: a file is not UTF-8 text ({error.reason})")
        receipt = self.call("POST", f"submissions/{assignment_id}", json.dumps(body).encode())["receipt"]
        if answers is None:
            self.log.warning("%s: no answers had been saved in %s", assignment_id, folder)
        self.log.info("Submitted as: %s %s %s", self.course_id, assignment_id, receipt["timestamp"])


class ServiceList(ExchangeList, ServiceExchange):
    """What the Assignments panel shows: released (or fetched) assignments (a review sitting's with its
    ``due_date``), and one's own submissions (with the fetched letter's ``score``)."""

    def start(self) -> list[dict[str, Any]]:
        if self.inbound or self.remove:
            self.fail("only the course's grader lists inbound submissions or removes assignments")
        wanted = self.coursedir.assignment_id or "*"
        if self.cached:
            return self._submitted(wanted)
        assignments = []
        for item in self.call("GET", "assignments")["assignments"]:
            assignment_id = item["assignment_id"]
            if wanted not in ("*", assignment_id):
                continue
            local = self.local_dir(assignment_id)
            if item.get("closed") and not local.is_dir():
                continue  # a review sitting submitted from elsewhere: nothing to fetch
            info = {"course_id": self.course_id, "assignment_id": assignment_id}
            if item.get("due"):  # a review sitting's due date (the end of the coach's renewal window)
                info["due_date"] = item["due"]
            if local.is_dir():
                info |= {"status": "fetched", "path": str(local.resolve()),
                         "notebooks": [{"notebook_id": p.stem, "path": str(p.resolve())}
                                       for p in sorted(local.glob("*.ipynb"))]}
            else:
                info |= {"status": "released", "path": assignment_id,
                         "notebooks": [{"notebook_id": Path(name).stem, "path": name} for name in item["notebooks"]]}
            assignments.append(info)
            self.log.info("%s %s%s%s", self.course_id, assignment_id,
                          f" (due {item['due']})" if item.get("due") else "",
                          " (already downloaded)" if local.is_dir() else "")
        return assignments

    def _submitted(self, wanted: str) -> list[dict[str, Any]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for receipt in self.call("GET", "submissions")["submissions"]:
            if wanted in ("*", receipt["assignment_id"]):
                grouped.setdefault(receipt["assignment_id"], []).append(self._submission(receipt))
        return [{"course_id": self.course_id, "student_id": self.student_id, "assignment_id": assignment_id,
                 "status": "submitted", "submissions": submissions}
                for assignment_id, submissions in sorted(grouped.items())]

    def _submission(self, receipt: dict[str, Any]) -> dict[str, Any]:
        feedback_dir = self.local_dir(receipt["assignment_id"]) / "feedback" / receipt["timestamp"]
        notebooks = []
        for name, checksum in sorted(receipt["feedback"].items()):
            local = feedback_dir / name
            local_checksum = _sha256(local)
            notebooks.append({"notebook_id": Path(name).stem, "path": name,
                              "has_local_feedback": local_checksum is not None, "has_exchange_feedback": True,
                              "local_feedback_path": str(local) if local_checksum else None,
                              "feedback_updated": local_checksum not in (None, checksum)})
        has_local = bool(notebooks) and all(nb["has_local_feedback"] for nb in notebooks)
        submission = {"course_id": self.course_id, "student_id": self.student_id,
                      "assignment_id": receipt["assignment_id"], "timestamp": receipt["timestamp"],
                      "status": "submitted", "path": str(self.local_dir(receipt["assignment_id"])),
                      "notebooks": notebooks, "has_local_feedback": has_local, "has_exchange_feedback": bool(notebooks),
                      "feedback_updated": any(nb["feedback_updated"] for nb in notebooks),
                      "local_feedback_path": str(feedback_dir) if has_local else None}
        score = score_of_feedback(feedback_dir) if has_local else ""
        if score:  # the fetched letter's score sentence, for the Assignments panel (read as text)
            submission["score"] = score
        return submission


def _sha256(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class ServiceFetchFeedback(ExchangeFetchFeedback, ServiceExchange):
    """Copies the feedback on one's own submissions into ``ASSIGNMENT/feedback/TIMESTAMP/``."""

    def start(self) -> None:
        assignment_id = self.coursedir.assignment_id
        fetched = 0
        for receipt in self.call("GET", "submissions")["submissions"]:
            if receipt["assignment_id"] != assignment_id or not receipt["feedback"]:
                continue
            files = self.call("GET", f"feedback/{assignment_id}/{receipt['stamp']}")["files"]
            folder = self.local_dir(assignment_id) / "feedback" / receipt["timestamp"]
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                if PurePosixPath(name).name != name or not name.endswith(".html"):
                    continue
                (folder / name).write_text(text, encoding="utf-8")
                fetched += 1
                self.log.info("Fetched feedback: %s", folder / name)
        if not fetched:
            self.log.warning("No feedback on %s yet", assignment_id)
