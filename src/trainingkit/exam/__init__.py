"""The ethics review as a certification exam: blueprint, forms, standard setting, certificates.

Data passes through the modules in this order:

* :mod:`~trainingkit.exam.blueprint` reads ``coursework/blueprint.yaml``: the form's length,
  counts by kind, content areas with their minimum and maximum, and the rules between forms;
* :mod:`~trainingkit.exam.assemble` builds each cycle's form with an integer program, the
  forms of a period planned together (every rule on every form, exposure kept in reserve,
  cut scores centred on the reference form's);
* :mod:`~trainingkit.exam.exposure` counts each item's uses in a period and says which forms a
  coach who already met some items may sit;
* :mod:`~trainingkit.exam.forms` keeps the register of forms already given
  (``coursework/forms.yaml``), checks forms against the blueprint and reports on them;
* :mod:`~trainingkit.exam.report` writes the technical report of the forms (blueprint match,
  cut scores, reliability measured or projected, items to retire);
* :mod:`~trainingkit.exam.checks` is what ``bank check`` asks of the bank for the exam (every
  case set placeable, no later part repeating an earlier key, no key found by its wording);
* :mod:`~trainingkit.exam.angoff` turns supervisors' ratings into each form's cut score;
* :mod:`~trainingkit.exam.panel` runs the panel's rounds: rater diagnostics and the impact of
  a cut on past candidates, before the last round sets it;
* :mod:`~trainingkit.exam.certificate` writes and verifies pass certificates;
* :mod:`~trainingkit.exam.results` appends each released result (score, the form's cut
  score, the form) to the results register the office reads;
* :mod:`~trainingkit.exam.cli` is the commands ``forms`` (``--report``), ``review-form``, ``review results``
  and ``standard-setting``.
"""
