"""trainingkit: a JupyterLab workbook for trauma recovery coaches.

Importing this package stays light: a trainee's kernel imports it for the
question widgets, so nothing here may import pandas or matplotlib.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
