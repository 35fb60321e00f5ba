"""What `trainingkit bank check` asks of the bank for the ethics review, beyond its schema.

Each rule is a pure function elsewhere; this module reads the course's blueprint and
assignments once and words every finding for the author who has to fix it:

* every case set can be placed on a form (:func:`~trainingkit.exam.assemble.unplaceable_case_sets`),
  and one that cannot is said to be shown to nobody when no practice set holds it either;
* no later part of a case set repeats an earlier part's key (:func:`~trainingkit.bank.cases.key_echoes`);
* no choice item can be answered by avoiding absolute words (:func:`~trainingkit.bank.cues.absolute_cues`);
* no item of a fixed form has changed since it was fixed
  (:func:`~trainingkit.exam.forms.frozen_content_problems`);
* the pool can fill the next period's forms under the exposure cap, each area and rule
  (:func:`~trainingkit.exam.assemble.period_shortfall`).
"""

from __future__ import annotations

from collections.abc import Mapping

from trainingkit.assignments import Assignment, FeedbackMode
from trainingkit.bank.cases import case_sets, key_echoes
from trainingkit.bank.cues import absolute_cues
from trainingkit.bank.model import Vignette
from trainingkit.course import Course
from trainingkit.exam.assemble import period_shortfall, unplaceable_case_sets
from trainingkit.exam.blueprint import Blueprint, load_blueprint
from trainingkit.exam.forms import frozen_content_problems, read_register


def case_set_findings(bank: Mapping[str, Vignette], blueprint: Blueprint,
                      assignments: Mapping[str, Assignment]) -> list[str]:
    """Every case set no form can hold, and every later part that echoes an earlier key."""
    practice = {item: a.id for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE for item in a.items}
    findings = []
    sets = case_sets(bank.values())
    for case, reason in unplaceable_case_sets(bank, blueprint).items():
        shown_in = sorted({practice[v.id] for v in sets[case] if v.id in practice})
        where = (f"it is in practice set {', '.join(shown_in)}" if shown_in else
                 "it is in no practice set either, so no one ever sees it")
        findings.append(f"case set {case} cannot be placed on any ethics review form: {reason} ({where})")
    findings += [str(echo) for echo in key_echoes(bank)]
    return findings


def exam_problems(course: Course, bank: Mapping[str, Vignette], assignments: Mapping[str, Assignment]) -> list[str]:
    """Every finding for the course's bank; without a blueprint only the case sets' echoes, fixed forms and cues."""
    register = read_register(course.forms_file, bank)
    standing = frozen_content_problems(register, bank) + [str(cue) for cue in absolute_cues(bank)]
    if not course.blueprint_file.exists():
        return [str(echo) for echo in key_echoes(bank)] + standing
    blueprint = load_blueprint(course.blueprint_file)
    practice = {item for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE for item in a.items}
    short = period_shortfall(bank, blueprint, {cycle: record.form for cycle, record in register.items()}, practice)
    return (case_set_findings(bank, blueprint, assignments) + standing
            + ([f"the ethics review's next period cannot be planned: {short}"] if short else []))
