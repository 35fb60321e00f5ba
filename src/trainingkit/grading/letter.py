"""The exporter of the feedback a trainee reads (``templates/trainingkit-feedback``).

A class of its own so that its template applies to feedback only: the formgrader keeps
rendering submissions with nbgrader's template.
"""

from __future__ import annotations

from nbconvert.exporters import HTMLExporter


class FeedbackLetterExporter(HTMLExporter):
    """nbgrader's feedback page, rendered as a letter to the trainee."""
