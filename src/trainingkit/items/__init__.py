"""Question quality: item analysis of graded assignments, and the supervisor's dashboard.

Public names are loaded on first use, so ``trainingkit items`` and the rest of the
command line start without importing pandas.

* :mod:`~trainingkit.items.settings`: the healthy ranges and the flags;
* :mod:`~trainingkit.items.analysis`: Moodle's item and test statistics (pure functions);
* :mod:`~trainingkit.items.reliability`: KR-20/alpha, SEM at the cut, decision consistency and
  retirement proposals (pure functions);
* :mod:`~trainingkit.items.sources`: the gradebook and submitted answers (the edges), a
  reflection's rubric criteria folded into its item;
* :mod:`~trainingkit.items.visible`: what a supervisor may see (submissions received, the
  results register) and what the dashboard says it cannot see;
* :mod:`~trainingkit.items.report`: one assignment's analysis as CSV;
* :mod:`~trainingkit.items.pseudonyms`, :mod:`~trainingkit.items.demo`,
  :mod:`~trainingkit.items.dashboard`, :mod:`~trainingkit.items.plots`: the dashboard.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Where each public name lives.
_HOMES = {
    "DEFAULT_RANGES": "settings", "Flag": "settings", "HealthyRanges": "settings",
    "DEFAULT_RETIREMENT": "settings", "RetirementRule": "settings",
    "Reliability": "reliability", "RetirementProposal": "reliability", "reliability": "reliability",
    "retirement_proposals": "reliability",
    "AssignmentStatistics": "analysis", "assignment_statistics": "analysis", "item_statistics": "analysis",
    "option_shares": "analysis", "scores_table": "analysis",
    "load_scores": "sources", "read_choices": "sources",
    "ItemReport": "report", "NoGradesError": "report", "analyse": "report", "item_report": "report",
    "items_csv": "report", "summary_csv": "report", "reliability_csv": "report", "retirements_csv": "report",
    "pseudonym": "pseudonyms", "pseudonymise": "pseudonyms",
    "Cohort": "dashboard", "gather": "dashboard",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
