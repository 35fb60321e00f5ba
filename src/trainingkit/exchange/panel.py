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
"""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["PANEL_EXTENSION", "plain_refusal"]

PANEL_EXTENSION = "trainingkit.exchange.panel"
#: How a traceback names an exchange refusal on its last lines.
EXCHANGE_ERROR = "nbgrader.exchange.abc.exchange.ExchangeError: "
#: Characters per line of a refusal in the panel's dialog.
PANEL_WIDTH = 72


def plain_refusal(value: Any) -> Any:
    """The person's message of an exchange refusal in a traceback; anything else unchanged."""
    if not isinstance(value, str) or EXCHANGE_ERROR not in value:
        return value
    return value.rsplit(EXCHANGE_ERROR, 1)[1].strip()


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
