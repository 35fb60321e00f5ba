"""The Assignments panel says why in plain words when a fetch or submit is refused.

nbgrader's panel shows whatever its server extension returns for a failed step, and that
extension returns the whole Python traceback: a coach whose second submission of a review was
refused read thirty lines of code before "you already submitted this review on ...". The
refusals of trainingkit's exchange (:mod:`trainingkit.exchange.client`) are nbgrader
``ExchangeError``\\ s whose message is written for the person; this server extension, loaded
after nbgrader's own (extensions load in name order), swaps in a manager that hands the panel
that message alone, broken into lines of :data:`PANEL_WIDTH` (the panel shows it in a ``<pre>``,
which never wraps: one long line ran off the dialog's edge). Anything else (a bug) still reaches
the panel as nbgrader gives it, and the traceback stays in the server's log either way.

A list that fails to load is said plainly too. nbgrader's manager answers any exchange refusal
while listing with its own paragraph about a missing exchange *directory*, which is wrong on the
hub, where assignments travel through the course service and no such folder exists: the manager
here reads the refusal nbgrader logged and says what happened and what to do (:func:`list_failure`).
(The panel's dialog title over a refused submission is the labextension's business: ``panel.ts``.)
"""

from __future__ import annotations

import contextlib
import logging
import textwrap
from collections.abc import Iterator
from typing import Any

__all__ = ["PANEL_EXTENSION", "list_failure", "plain_refusal"]

PANEL_EXTENSION = "trainingkit.exchange.panel"
#: How a traceback names an exchange refusal on its last lines.
EXCHANGE_ERROR = "nbgrader.exchange.abc.exchange.ExchangeError: "
#: Characters per line of a refusal in the panel's dialog.
PANEL_WIDTH = 72
#: How nbgrader's manager begins what it says of any exchange refusal while listing.
FOLDER_MISSING = "The exchange directory does not exist"
#: What the panel says when a list fails and the refusal's own words are not known.
NOT_ANSWERING = "the course service is not answering"
#: What to do about a list that failed.
TRY_AGAIN = "try again in a minute (the refresh button above the lists), and tell your supervisor if it goes on"


def plain_refusal(value: Any) -> Any:
    """The person's message of an exchange refusal in a traceback; anything else unchanged."""
    if not isinstance(value, str) or EXCHANGE_ERROR not in value:
        return value
    return value.rsplit(EXCHANGE_ERROR, 1)[1].strip()


def list_failure(reason: str | None) -> str:
    """What the panel says when the assignments cannot be listed: what happened (the exchange's own
    ``reason``, when known) and what to do."""
    reason = (reason or NOT_ANSWERING).rstrip(". ")
    if "supervisor" not in reason:
        reason += f"; {TRY_AGAIN}"
    return f"Your assignments could not be listed: {reason}."


class _Logged(logging.Handler):
    """Keeps the messages of the error records logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _errors_logged(log: logging.Logger) -> Iterator[list[str]]:
    handler = _Logged()
    log.addHandler(handler)
    try:
        yield handler.messages
    finally:
        log.removeHandler(handler)


def _listed(outcome: dict[str, Any], logged: list[str]) -> dict[str, Any]:
    """``outcome`` of a listing, with nbgrader's paragraph about a missing folder replaced (see above)."""
    value = outcome.get("value")
    if outcome.get("success") is not False or not isinstance(value, str) or FOLDER_MISSING not in value:
        return outcome
    reasons = [plain_refusal(text) for text in logged if plain_refusal(text) is not text]
    return {**outcome, "value": list_failure(reasons[-1] if reasons else None)}


def _plain(outcome: dict[str, Any]) -> dict[str, Any]:
    if outcome.get("success") is not False:
        return outcome
    value = outcome.get("value")
    plain = plain_refusal(value)
    return {**outcome, "value": textwrap.fill(plain, PANEL_WIDTH) if plain is not value else value}


def _manager_class() -> type:
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    class PlainAssignmentList(AssignmentList):  # type: ignore[misc]
        """nbgrader's manager, whose refused steps carry the refusal's message instead of a traceback."""

        def fetch_assignment(self, course_id: str, assignment_id: str) -> dict[str, Any]:
            return _plain(super().fetch_assignment(course_id, assignment_id))

        def fetch_feedback(self, course_id: str, assignment_id: str) -> dict[str, Any]:
            return _plain(super().fetch_feedback(course_id, assignment_id))

        def submit_assignment(self, course_id: str, assignment_id: str) -> dict[str, Any]:
            return _plain(super().submit_assignment(course_id, assignment_id))

        def list_released_assignments(self, course_id: str | None = None) -> dict[str, Any]:
            with _errors_logged(self.log) as logged:  # nbgrader logs the refusal, then answers about a folder
                return _listed(super().list_released_assignments(course_id), logged)

        def list_submitted_assignments(self, course_id: str | None = None) -> dict[str, Any]:
            with _errors_logged(self.log) as logged:
                return _listed(super().list_submitted_assignments(course_id), logged)

    return PlainAssignmentList


def _load_jupyter_server_extension(server_app: Any) -> None:
    settings = server_app.web_app.settings
    manager = settings.get("assignment_list_manager")
    if manager is None:  # no Assignments panel in this server (the office's)
        return
    plain = _manager_class()(parent=server_app)
    plain.root_dir = manager.root_dir
    settings["assignment_list_manager"] = plain


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": PANEL_EXTENSION}]
