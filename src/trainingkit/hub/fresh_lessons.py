"""Lessons that stay current on the hub: each server start brings a person's ``~/lessons`` up to
date with the course's latest build, as ``make lab`` does (:func:`trainingkit.workbook.sync_lesson_copies`).

A copy the person never changed is replaced by the new build; a copy they changed is set aside
in ``~/lessons/.previous/`` (never deleted) when the build changes; ``answers.json`` is never
touched, so every answer stays. The hub (root) reads the built lessons, which only the grader
and root may read, and hands their bytes to a process running as the person, which writes in
their folder with their powers alone: nothing root does there can be led through a link they
planted.

On Kubernetes there is no hub-side copy to hand over: each pod's image holds the build, and
the pod's ``postStart`` hook runs ``python -m trainingkit.hub.fresh_lessons ~/lessons --from
/opt/trainingkit/lessons`` as the person (docs/z2jh-values.yaml), the same sync at each start.
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

from trainingkit.hub.layout import HubLayout
from trainingkit.workbook import LESSON_NOTEBOOKS, Sync, sync_lesson_copies

#: A person's own copies of the lessons, in their home.
LESSONS_FOLDER = "lessons"


class RefreshError(RuntimeError):
    """The lessons could not be brought up to date; the message names the person and why."""


def built_lessons(notebooks_dir: Path) -> dict[str, bytes]:
    """The course's built lessons, by file name."""
    return {path.name: path.read_bytes() for path in sorted(notebooks_dir.glob(LESSON_NOTEBOOKS))}


def refresh_lessons(layout: HubLayout, username: str) -> Sync:
    """Bring ``username``'s ``~/lessons`` up to date with the course's build, as them."""
    entry = pwd.getpwnam(username)
    payload = json.dumps({name: base64.b64encode(data).decode("ascii")
                          for name, data in built_lessons(layout.course.notebooks_dir).items()})
    process = subprocess.run(
        [str(layout.bin("python")), "-m", "trainingkit.hub.fresh_lessons", str(Path(entry.pw_dir) / LESSONS_FOLDER)],
        input=payload, capture_output=True, text=True, cwd=entry.pw_dir, timeout=120,
        user=entry.pw_uid, group=entry.pw_gid, extra_groups=[],
        env={"HOME": entry.pw_dir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    if process.returncode != 0:
        raise RefreshError(f"bringing {username}'s lessons up to date failed: {process.stderr.strip()[-500:]}")
    done = json.loads(process.stdout)
    return Sync(**{field: tuple(names) for field, names in done.items()})


USAGE = "usage: python -m trainingkit.hub.fresh_lessons TARGET [--from BUILT_LESSONS_FOLDER]"


def main(argv: list[str]) -> None:
    """As the person: sync TARGET with the build, read from stdin (JSON, base64 bytes by name) or, with
    ``--from FOLDER``, from a folder of built lessons; print what was done."""
    os.umask(0o077)
    if len(argv) == 1:
        built = {name: base64.b64decode(data) for name, data in json.loads(sys.stdin.read()).items()}
    elif len(argv) == 3 and argv[1] == "--from":
        built = built_lessons(Path(argv[2]))
        if not built:
            raise SystemExit(f"{argv[2]}: no built lessons (NN-name.ipynb) there; nothing was changed")
    else:
        raise SystemExit(USAGE)
    done = sync_lesson_copies(built, Path(argv[0]))
    print(json.dumps({"copied": done.copied, "updated": done.updated, "kept": done.kept,
                      "set_aside": done.set_aside}))


if __name__ == "__main__":
    main(sys.argv[1:])
