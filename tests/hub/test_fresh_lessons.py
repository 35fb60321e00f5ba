"""Lessons stay current on the hub: a rebuilt lesson reaches a person's copy at their next server
start, their answers kept and a copy they changed set aside (as `make lab` does); so does the
office's renewals notebook, its log and other files untouched. Sorts before test_hub.py (shared hub);
uses names[6] and the shared office account, whose ~/renewals it leaves as it found it."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import time
from pathlib import Path

import pytest

from tests.hub.client import Hub, HubUser

pytestmark = pytest.mark.hub

REVISED = " (revised for the test)"


def contents(person: HubUser, path: str) -> dict:
    response = person.api("GET", f"contents/{path}?content=1")
    response.raise_for_status()
    return response.json()


def save(person: HubUser, path: str, model: dict) -> None:
    response = person.api("PUT", f"contents/{path}", json=model)
    assert response.status_code in (200, 201), response.text


def restart(hub: Hub, person: HubUser) -> None:
    response = person.session.delete(f"{hub.url}/hub/api/users/{person.name}/server", headers=person.headers,
                                     timeout=120)
    assert response.status_code in (202, 204), response.text
    for _ in range(240):
        model = person.session.get(f"{hub.url}/hub/api/users/{person.name}", headers=person.headers, timeout=60).json()
        if not model.get("servers"):
            break
        time.sleep(0.5)
    person.start_server()


def rebuild(hub: Hub, lessons: list[str], suffix: str) -> None:
    """Give ``lessons`` a revised title in the course's lesson sources and rebuild, as the grader does."""
    for lesson in lessons:
        source = hub.layout.course.lessons_dir / f"{lesson}.yaml"
        text = source.read_text().replace(REVISED, "")
        lines = text.splitlines(keepends=True)
        lines = [line.rstrip("\n") + suffix + "\n" if line.startswith("title: ") else line for line in lines]
        # the grader's own file: rewritten in place, keeping its owner and mode
        with source.open("w") as handle:
            handle.write("".join(lines))
    built = hub.as_grader("trainingkit", "build", "--no-generate")
    assert built.returncode == 0, built.stderr


def test_a_rebuilt_lesson_reaches_a_persons_copy_on_next_start_with_answers_kept(hub: Hub) -> None:
    """After a rebuild and a restart the person's untouched copy is the new build, the copy they changed is in
    lessons/.previous/ with their change, the new build takes its place, and answers.json is as they left it."""
    person = hub.user("trainee", 7)  # names[6]: used by no other module (test_enrol.py keeps it running)
    person.make_token()
    person.start_server()
    first, second = "01-trauma-informed-care", "02-coaching-and-therapy"
    answers = {"type": "file", "format": "text", "content": json.dumps({"q-test": {"value": 2}})}
    save(person, "lessons/answers.json", answers)
    changed = contents(person, f"lessons/{second}.ipynb")
    changed["content"]["cells"][0]["source"] += "\n\nMy own note."
    save(person, f"lessons/{second}.ipynb", {"type": "notebook", "content": changed["content"]})
    try:
        rebuild(hub, [first, second], REVISED)
        restart(hub, person)
        for lesson in (first, second):
            copy = json.dumps(contents(person, f"lessons/{lesson}.ipynb")["content"])
            assert REVISED in copy and "My own note." not in copy, lesson
        printed, error = person.kernel().run(  # the server's file API hides dot folders
            "import os; aside = os.listdir('lessons/.previous'); print(aside);"
            "print('My own note.' in open('lessons/.previous/' + aside[0]).read())")
        assert error == "" and printed.splitlines()[1] == "True", printed
        assert printed.splitlines()[0].startswith(f"['{second}-") and printed.count(",") == 0
        assert contents(person, "lessons/answers.json")["content"] == answers["content"]
    finally:
        rebuild(hub, [first, second], "")


def _folder(path: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Everything under ``path`` (dot files too): relative name -> (bytes or None for a folder, mode, owner)."""
    return {str(item.relative_to(path)): (None if item.is_dir() else item.read_bytes(), item.stat().st_mode, item.stat().st_uid)
            for item in sorted(path.rglob("*"))}


def test_an_office_made_before_the_log_grid_gets_the_new_renewals_notebook_and_keeps_its_old_one_and_its_log(
        hub: Hub) -> None:
    """The office's ~/renewals/renewals.ipynb an older notebook (no log grid) with no record of its build, as an
    office made before the grid has it: at the next server start the course's notebook takes its place, the old one
    is in ~/renewals/.previous (the office's, 0600), coaches.csv is untouched; a further start changes nothing.
    The office's folder (and the record outside it) are left as this test found them."""
    office = hub.user("office")
    office.make_token()
    office.start_server()  # the office's folder as the hub makes it, if no module before this one started it
    entry = pwd.getpwnam(office.name)
    home = Path(entry.pw_dir)
    renewals, record = home / "renewals", home / ".trainingkit" / "renewals-notebook.json"
    found, found_record = _folder(renewals), (record.read_bytes() if record.exists() else None)
    built = (hub.layout.course.notebooks_dir / "office" / "renewals.ipynb").read_bytes()
    notebook = json.loads(built)
    notebook["cells"] = [cell for cell in notebook["cells"] if "The log itself" not in "".join(cell["source"])]
    old = json.dumps(notebook, indent=1).encode()
    assert old != built and b"The log itself" not in old
    copy = renewals / "renewals.ipynb"
    try:
        copy.write_bytes(old)
        os.chown(copy, entry.pw_uid, entry.pw_gid)
        record.unlink(missing_ok=True)
        restart(hub, office)
        assert copy.read_bytes() == built
        (aside,) = (renewals / ".previous").iterdir()
        assert aside.read_bytes() == old
        assert (aside.stat().st_uid, stat.S_IMODE(aside.stat().st_mode)) == (entry.pw_uid, 0o600)
        assert (renewals / "coaches.csv").read_bytes() == found["coaches.csv"][0]
        assert record.exists() and record.stat().st_uid == entry.pw_uid
        after = _folder(renewals)
        restart(hub, office)
        assert _folder(renewals) == after
    finally:
        shutil.rmtree(renewals / ".previous", ignore_errors=True)
        for name, (data, mode, owner) in found.items():
            if data is not None:
                (renewals / name).write_bytes(data)
                os.chown(renewals / name, owner, entry.pw_gid)
                os.chmod(renewals / name, stat.S_IMODE(mode))
        if found_record is None:
            record.unlink(missing_ok=True)
        else:
            record.write_bytes(found_record)
    assert _folder(renewals) == found
