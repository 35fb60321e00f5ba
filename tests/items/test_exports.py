"""The public names of trainingkit.items, and a command line that starts without pandas."""

from __future__ import annotations

import subprocess
import sys

import trainingkit.items


def test_every_exported_name_resolves() -> None:
    """Each name in trainingkit.items.__all__ loads from its module."""
    for name in trainingkit.items.__all__:
        assert getattr(trainingkit.items, name) is not None


def test_the_items_command_imports_without_pandas() -> None:
    """Importing the click command leaves pandas and nbgrader unloaded, so the CLI stays quick."""
    code = ("import sys, trainingkit.items.cli; "
            "print(sorted(m for m in ('pandas', 'nbgrader', 'numpy') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
