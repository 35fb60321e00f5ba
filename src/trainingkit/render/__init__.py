"""Render bank and lesson data into notebooks, deterministically (a rebuild changes no byte)."""

from trainingkit.render.assignment import render_assignment
from trainingkit.render.cells import notebook_bytes

__all__ = ["notebook_bytes", "render_assignment"]
