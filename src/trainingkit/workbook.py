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
from enum import Enum
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


def _read_manifest(record: Path) -> dict[str, str]:
    try:
        manifest = json.loads(record.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in manifest.items()} if isinstance(manifest, dict) else {}


class Step(Enum):
    """What a sync does with one copy, decided by :func:`next_step`."""

    COPY = "copy"  #: the person has no copy yet: copy the build
    CURRENT = "current"  #: the copy is the build already: nothing to write
    UPDATE = "update"  #: the copy is the build it came from, never changed: replace it
    KEEP = "keep"  #: the person changed the copy, and the build has not changed since: keep it
    SET_ASIDE = "set aside"  #: changed (or of unknown origin) and a new build: set it aside, then copy


def next_step(copy: str | None, recorded: str | None, built: str) -> Step:
    """What to do with one copy, from digests: the ``copy`` on disk (None: no copy), the build it was
    ``recorded`` as copied from (None: no record), and the ``built`` one. Pure.

    A copy with no record that differs from the build (an account made before records were kept,
    or a record lost) is set aside rather than replaced: nobody can tell whether the person changed it.
    """
    if copy is None:
        return Step.COPY
    if copy == built:
        return Step.CURRENT
    if recorded is None:
        return Step.SET_ASIDE
    if copy == recorded:
        return Step.UPDATE
    if recorded == built:
        return Step.KEEP
    return Step.SET_ASIDE


def sync_lessons(source: Path, target: Path) -> Sync:
    """Bring ``target``'s copies of the lessons in ``source`` up to date, losing nothing saved."""
    return sync_lesson_copies({notebook.name: notebook.read_bytes()
                               for notebook in sorted(source.glob(LESSON_NOTEBOOKS))}, target)


def sync_lesson_copies(built: Mapping[str, bytes], target: Path, record: Path | None = None) -> Sync:
    """Bring ``target``'s copies up to date with ``built`` (file name: the build's bytes).

    ``record`` is the file that remembers which build each copy came from (``target/MANIFEST``
    unless given: the office's is kept outside its folder, which holds only its own files).
    Nothing else in ``target`` is read or written. The hub runs this as the person themself
    (:mod:`trainingkit.hub.fresh_lessons`), so it reads and writes only what they could;
    ``make lab`` runs it through :func:`sync_lessons`.
    """
    target.mkdir(parents=True, exist_ok=True)
    record = target / MANIFEST if record is None else record
    manifest = _read_manifest(record)
    done: dict[Step, list[str]] = {step: [] for step in Step}
    for name, data in sorted(built.items()):
        built_digest = hashlib.sha256(data).hexdigest()
        copy = target / name
        step = next_step(_digest(copy) if copy.exists() else None, manifest.get(name), built_digest)
        done[step].append(name)
        if step is Step.SET_ASIDE:
            aside = target / PREVIOUS / f"{copy.stem}-{time.strftime('%Y%m%dT%H%M%S')}{copy.suffix}"
            aside.parent.mkdir(exist_ok=True)
            copy.replace(aside)
        if step in (Step.COPY, Step.UPDATE, Step.SET_ASIDE):
            write_atomically(copy, data)
        if step is not Step.KEEP:
            manifest[name] = built_digest
    record.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(record, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return Sync(tuple(done[Step.COPY]), tuple(done[Step.UPDATE]), tuple(done[Step.KEEP]), tuple(done[Step.SET_ASIDE]))
