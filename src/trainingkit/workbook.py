"""A person's own workbook folder: the copies of the lessons they open, answer and save.

The lessons in ``notebooks/`` are generated and tracked; nobody works in them. ``make lab``
gives the person ``workbook/lessons/`` instead (fetched assignments land in ``workbook/``
too), so Ctrl+S never changes a tracked file and a rebuild never overwrites a saved copy
unseen. A small manifest remembers which build each copy came from:

- a copy the person never saved is replaced by a newer build;
- a copy the person saved is kept while the build is unchanged, and set aside in
  ``.previous/`` (never deleted) when a newer build replaces it.

Answers live in ``answers.json`` beside the copies and are never touched here.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from trainingkit.files import write_atomically

MANIFEST = ".trainingkit-lessons.json"
#: The lessons among the built notebooks ("00-welcome.ipynb", ...): only these are copied.
LESSON_NOTEBOOKS = "[0-9][0-9]-*.ipynb"
PREVIOUS = ".previous"


@dataclass(frozen=True)
class Sync:
    """What one sync did, by notebook file name."""

    copied: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(target: Path) -> dict[str, str]:
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in manifest.items()} if isinstance(manifest, dict) else {}


def sync_lessons(source: Path, target: Path) -> Sync:
    """Bring ``target``'s copies of the lessons in ``source`` up to date, losing nothing saved."""
    return sync_lesson_copies({notebook.name: notebook.read_bytes()
                               for notebook in sorted(source.glob(LESSON_NOTEBOOKS))}, target)


def sync_lesson_copies(built: Mapping[str, bytes], target: Path) -> Sync:
    """Bring ``target``'s copies up to date with ``built`` (lesson file name: the build's bytes).

    The hub runs this as the person themself (:mod:`trainingkit.hub.fresh_lessons`), so it
    reads and writes only what they could; ``make lab`` runs it through :func:`sync_lessons`.
    """
    target.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(target)
    copied, updated, kept, set_aside = [], [], [], []
    for name, data in sorted(built.items()):
        built_digest = hashlib.sha256(data).hexdigest()
        copy = target / name
        current = _digest(copy) if copy.exists() else None
        if current is None:
            copied.append(name)
        elif current == built_digest:
            manifest[name] = built_digest
            continue
        elif current == manifest.get(name):
            updated.append(name)
        elif manifest.get(name) == built_digest:
            kept.append(name)  # saved by the person; the build has not changed since
            continue
        else:
            aside = target / PREVIOUS / f"{copy.stem}-{time.strftime('%Y%m%dT%H%M%S')}{copy.suffix}"
            aside.parent.mkdir(exist_ok=True)
            copy.replace(aside)
            set_aside.append(name)
        write_atomically(copy, data)
        manifest[name] = built_digest
    write_atomically(target / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return Sync(tuple(copied), tuple(updated), tuple(kept), tuple(set_aside))
