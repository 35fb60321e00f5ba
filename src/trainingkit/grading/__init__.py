"""Grading: choice scores computed from the submitted answers file against the bank.

nbgrader runs a trainee's own cells and the grading cells in one kernel, so no
score is computed in that kernel. :mod:`trainingkit.grading.preprocessors` reads
the submitted answers before any trainee code runs, scores them against the bank
in the nbgrader process, and writes each score as the graded cell's output.
"""
