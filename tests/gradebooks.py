"""Gradebooks for tests, made with nbgrader's own API."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


@contextmanager
def new_gradebook(url: str) -> Iterator[Any]:
    """nbgrader's ``Gradebook`` at ``url``, open for filling in, with its autoflush warnings quiet."""
    from nbgrader.api import Gradebook

    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs the `alembic` command of its own environment to create a gradebook.
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        gradebook = Gradebook(url)
    with gradebook, warnings.catch_warnings():
        # nbgrader's add_submission makes SQLAlchemy warn about its own autoflush.
        warnings.simplefilter("ignore", category=Warning)
        yield gradebook
