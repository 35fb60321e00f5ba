"""Notebooks that stay current on the hub: each server start brings a person's ``~/lessons`` (and
the office's ``~/renewals/renewals.ipynb``) up to date with the course's latest build, as ``make
lab`` does (:func:`trainingkit.workbook.sync_lesson_copies`).

A copy the person never changed is replaced by the new build; a copy they changed is set aside
in ``~/lessons/.previous/`` (never deleted) when the build changes; ``answers.json`` is never
touched, so every answer stays. In the office's ``~/renewals`` only the notebook is synced:
its ``coaches.csv``, reports and any other file are never read or written, and the record of
which build its copy came from is kept outside that folder (``~/.trainingkit/``). The hub
(root) reads the built notebooks, which only the grader and root may read, and hands their
bytes to a process running as the person, which writes in their folder with their powers
alone: nothing root does there can be led through a link they planted.

On Kubernetes there is no hub-side copy to hand over: each pod's image holds the build, and
the pod's ``postStart`` hook runs ``python -m trainingkit.hub.fresh_lessons ~/lessons --from
/opt/trainingkit/lessons`` as the person (docs/z2jh-values.yaml), the same sync at each start; for
the office, ``~/renewals --from /opt/trainingkit/office --notebooks renewals.ipynb --record
~/.trainingkit/renewals-notebook.json``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainingkit.hub.layout import HubLayout
from trainingkit.workbook import LESSON_NOTEBOOKS, Sync, sync_lesson_copies

if TYPE_CHECKING:
    from trainingkit.hub.roles import Workspace

class RefreshError(RuntimeError):
    """A person's copies could not be brought up to date; the message names the person, the folder and why."""


def built_lessons(notebooks_dir: Path, notebooks: str = LESSON_NOTEBOOKS) -> dict[str, bytes]:
    """The course's built notebooks matching the glob ``notebooks`` (the lessons unless told), by file name."""
    return {path.name: path.read_bytes() for path in sorted(notebooks_dir.glob(notebooks))}


def refresh_workspace(layout: HubLayout, username: str, workspace: Workspace) -> Sync:
    """Bring ``workspace``'s notebooks in ``username``'s home (``~/lessons``, the office's renewals notebook) up to
    date with the course's build, as them."""
    entry = pwd.getpwnam(username)
    built = built_lessons(layout.course.notebooks_dir / workspace.source, workspace.notebooks)
    payload = json.dumps({name: base64.b64encode(data).decode("ascii") for name, data in built.items()})
    home = Path(entry.pw_dir)
    record = ["--record", str(home / workspace.record)] if workspace.record else []
    process = subprocess.run(
        [str(layout.bin("python")), "-m", "trainingkit.hub.fresh_lessons", str(home / workspace.folder), *record],
        input=payload, capture_output=True, text=True, cwd=entry.pw_dir, timeout=120,
        user=entry.pw_uid, group=entry.pw_gid, extra_groups=[],
        env={"HOME": entry.pw_dir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    if process.returncode != 0:
        raise RefreshError(f"bringing {username}'s ~/{workspace.folder} up to date failed: "
                           f"{process.stderr.strip()[-500:]}")
    done = json.loads(process.stdout)
    return Sync(**{field: tuple(names) for field, names in done.items()})


def main(argv: list[str]) -> None:
    """As the person: sync TARGET with the build, read from stdin (JSON, base64 bytes by name) or, with
    ``--from FOLDER``, from a folder of built notebooks; print what was done."""
    os.umask(0o077)
    parser = argparse.ArgumentParser(prog="python -m trainingkit.hub.fresh_lessons")
    parser.add_argument("target", type=Path, help="the person's folder of copies")
    parser.add_argument("--from", dest="source", type=Path,
                        help="a folder of built notebooks (else their bytes come on stdin)")
    parser.add_argument("--notebooks", default=LESSON_NOTEBOOKS,
                        help="which notebooks of --from to sync (a glob; the numbered lessons unless told)")
    parser.add_argument("--record", type=Path,
                        help="the file remembering which build each copy came from (else one in TARGET)")
    args = parser.parse_args(argv)
    if args.source is None:
        built = {name: base64.b64decode(data) for name, data in json.loads(sys.stdin.read()).items()}
    else:
        built = built_lessons(args.source, args.notebooks)
        if not built:
            raise SystemExit(f"{args.source}: no built notebooks ({args.notebooks}) there; nothing was changed")
    done = sync_lesson_copies(built, args.target, args.record)
    print(json.dumps({"copied": done.copied, "updated": done.updated, "kept": done.kept,
                      "set_aside": done.set_aside}))


if __name__ == "__main__":
    main(sys.argv[1:])
