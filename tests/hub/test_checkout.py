"""trainingkit.hub.checkout: `trainingkit hub` deploys only from a checkout whose keys no other account can read.

Each checkout is made in a folder every account may pass (``/var/tmp``, made 0755 here), as
a plain ``git clone`` would be, and removed after. Who is in a group is given to the check,
so the tests do not depend on this machine's accounts.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainingkit.course import INSTRUCTOR_FILES, Course
from trainingkit.hub.checkout import exposed, private_paths, refusal


@pytest.fixture
def checkout() -> Iterator[Course]:
    """A checkout as `git clone` leaves it under umask 022: folders 0755, files 0644, in a folder all may pass."""
    outer = Path(tempfile.mkdtemp(prefix="tk-checkout-", dir="/var/tmp"))
    os.chmod(outer, 0o755)
    course = Course(outer / "trainingkit")
    for folder in ("coursework/bank", "coursework/source/practice", "coursework/lessons", "notebooks", "src"):
        (course.root / folder).mkdir(parents=True, mode=0o755)
    (course.bank_dir / "scope.yaml").write_text("key: b\n")
    (course.bank_dir / "risk.yaml").write_text("key: c\n")
    (course.source_dir / "practice" / "practice.ipynb").write_text("{}")
    for name in INSTRUCTOR_FILES:
        (course.coursework / name).write_text("#\n")
    (course.lessons_dir / "00-welcome.yaml").write_text("title: Welcome\n")
    for path in [course.root, *course.root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    try:
        yield course
    finally:
        shutil.rmtree(outer)


def alone(gid: int) -> frozenset[str]:
    """Nobody but root in any group."""
    return frozenset({"root"})


def test_a_plain_clone_is_refused_naming_the_keys_and_the_fix(checkout: Course) -> None:
    message = refusal(checkout, alone)
    assert "coursework/bank: readable by every account (and 2 more in it)" in message
    assert "coursework/source: readable by every account" in message
    assert "coursework/assignments.yaml: readable by every account" in message
    assert f"chmod 700 {checkout.root}\n" in message and "chmod -R go-rwx coursework/bank" in message
    assert "lessons" not in message  # the lessons are for everyone


def test_a_private_checkout_passes_however_its_files_are_set(checkout: Course) -> None:
    """chmod 700 on the checkout: the world-readable bank inside it cannot be reached."""
    os.chmod(checkout.root, 0o700)
    assert list(exposed(checkout, alone)) == [] and refusal(checkout, alone) == ""


def test_a_private_folder_anywhere_above_keeps_it_private(checkout: Course) -> None:
    os.chmod(checkout.root.parent, 0o700)
    assert refusal(checkout, alone) == ""


def test_a_bank_made_private_passes_while_the_rest_stays_readable(checkout: Course) -> None:
    """chmod -R go-rwx on the instructor-only paths is enough; the lessons stay readable."""
    for top in private_paths(checkout):
        for path in [top, *top.rglob("*")]:
            os.chmod(path, stat.S_IMODE(path.stat().st_mode) & 0o700)
    assert refusal(checkout, alone) == ""


def test_a_readable_key_in_a_folder_others_may_pass_but_not_list_is_still_found(checkout: Course) -> None:
    """0711 on the bank hides the names, not the files: a known name can still be read."""
    for top in private_paths(checkout):
        for path in [top, *top.rglob("*")]:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    os.chmod(checkout.bank_dir, 0o711)
    os.chmod(checkout.bank_dir / "scope.yaml", 0o644)
    assert [item.path for item in exposed(checkout, alone)] == [checkout.bank_dir / "scope.yaml"]


def test_group_permissions_count_only_when_someone_else_is_in_the_group(checkout: Course) -> None:
    """A group-readable bank is private while the group holds only its owner; not once a trainee joins."""
    for top in private_paths(checkout):
        for path in [top, *top.rglob("*")]:
            os.chmod(path, 0o750 if path.is_dir() else 0o640)
    owner = checkout.bank_dir.owner()
    assert refusal(checkout, lambda gid: frozenset({owner})) == ""
    message = refusal(checkout, lambda gid: frozenset({owner, "ada"}))
    assert "coursework/bank: readable by ada" in message


def test_the_history_in_git_counts_as_the_bank(checkout: Course) -> None:
    """.git holds every version of the bank; a worktree's .git file leads to the repository it uses."""
    repository = checkout.root.parent / "main" / ".git"
    (repository / "objects").mkdir(parents=True)
    (repository / "objects" / "pack").write_text("the bank, compressed")
    (repository / "worktrees" / "limits").mkdir(parents=True)
    (repository / "worktrees" / "limits" / "commondir").write_text("../..\n")
    (checkout.root / ".git").write_text(f"gitdir: {repository / 'worktrees' / 'limits'}\n")
    for path in [checkout.root.parent / "main", *(checkout.root.parent / "main").rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(checkout.root, 0o700)
    message = refusal(checkout, alone)
    assert f"{repository}: readable by every account" in message
    assert f"chmod 700 {checkout.root} {repository}" in message
    os.chmod(repository, 0o700)
    assert refusal(checkout, alone) == ""


def test_trainingkit_hub_refuses_to_deploy_from_a_readable_checkout(checkout: Course, tmp_path: Path) -> None:
    """The command stops before making anything, with the message above."""
    from trainingkit.hub.run import hub

    roster = tmp_path / "roster.csv"
    roster.write_text("username,role,name\nada,trainee,Ada\n")
    prefix = tmp_path / "prefix"
    result = CliRunner().invoke(hub, ["--roster", str(roster), "--course", str(checkout.root),
                                      "--prefix", str(prefix), "--no-limits", "--prepare-only"])
    assert result.exit_code == 2, result.output
    assert "can read the course's answer keys" in result.output and "coursework/bank" in result.output
    assert f"chmod 700 {checkout.root}" in result.output
    assert not prefix.exists()
