"""Whether other accounts can read the answer keys in the checkout that `trainingkit hub` deploys from.

On the hub every trainee has an account on this machine. ``coursework/bank/`` holds the
answer keys, and a plain ``git clone`` leaves it (and ``.git``, whose objects hold every
version of it) readable by everyone. So the hub refuses to deploy from a checkout where
another account can read any instructor-only file.

"Can read" is decided as the kernel decides it, for every account other than the file's
owner and root: an account reads a file only if every folder above it lets that account
through (x, as owner, group member or other) and the file lets it read (r). A
world-readable bank inside a 0700 checkout or home is therefore private; a 0600 file in
folders everyone may pass is private too. A folder counts when others may list it. POSIX
ACLs are not read: a checkout that uses them is judged by its mode bits alone.
"""

from __future__ import annotations

import functools
import grp
import os
import pwd
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from trainingkit.course import INSTRUCTOR_FILES, Course

#: Every account: the "other" permission bits let everyone in.
EVERYONE = None
Accounts = frozenset[str] | None  # the accounts let in, or EVERYONE


def private_paths(course: Course) -> list[Path]:
    """What only the course team may read in a checkout, where it exists: the bank (the keys),
    the source notebooks, the instructor files, the raters' Angoff ratings, the certificate
    secret, the gradebook, and ``.git`` (whose history holds the bank)."""
    coursework = course.coursework
    paths = [course.bank_dir, course.source_dir, *(coursework / name for name in INSTRUCTOR_FILES),
             course.ratings_dir, coursework / ".certificate-secret", coursework / "gradebook.db",
             *git_folders(course.root)]
    paths = [path for path in paths if os.path.lexists(path)]
    return [path for path in paths if not any(other in path.parents for other in paths)]  # each once


def git_folders(root: Path) -> list[Path]:
    """``root/.git``, and where a worktree's ``.git`` file points: its own folder and the
    repository's (whose objects hold the bank's history)."""
    dot_git = root / ".git"
    if not dot_git.is_file() or dot_git.is_symlink():
        return [dot_git]
    text = dot_git.read_text(errors="replace").strip()
    if not text.startswith("gitdir:"):
        return [dot_git]
    own = (root / text.removeprefix("gitdir:").strip()).resolve()
    folders = [own]
    if (own / "commondir").is_file():
        folders.append((own / (own / "commondir").read_text().strip()).resolve())
    return folders


def group_members(gid: int) -> frozenset[str]:
    """The accounts in group ``gid``: its listed members and those whose primary group it is."""
    try:
        listed = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        listed = set()
    return frozenset(listed | {entry.pw_name for entry in pwd.getpwall() if entry.pw_gid == gid})


@functools.lru_cache(maxsize=1024)
def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"#{uid}"


def let_in(status: os.stat_result, bits: tuple[int, int, int],
           members: Callable[[int], frozenset[str]] = group_members) -> Accounts:
    """The accounts that ``status``'s mode gives the permission whose (user, group, other) ``bits``
    are given (root aside, which passes anyway)."""
    user, group, other = bits
    if status.st_mode & other:
        return EVERYONE
    accounts = set(members(status.st_gid)) if status.st_mode & group else set()
    if status.st_mode & user:
        accounts.add(_owner(status.st_uid))
    return frozenset(accounts)


READ = (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH)
PASS = (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)


def _both(first: Accounts, second: Accounts) -> Accounts:
    if first is EVERYONE:
        return second
    if second is EVERYONE:
        return first
    return first & second


@dataclass(frozen=True)
class Exposed:
    """A private path that accounts other than its owner and root can read."""

    path: Path
    readers: Accounts

    def who(self) -> str:
        return "every account" if self.readers is EVERYONE else ", ".join(sorted(self.readers))


def _others(readers: Accounts, status: os.stat_result) -> Accounts:
    """``readers`` without the path's owner and root; an empty set when none is left."""
    if readers is EVERYONE:
        return EVERYONE
    return readers - {_owner(status.st_uid), "root"}


def exposed(course: Course, members: Callable[[int], frozenset[str]] = group_members) -> Iterator[Exposed]:
    """Each instructor-only file or folder of ``course`` that other accounts can read, with who."""
    members = functools.lru_cache(maxsize=None)(members)  # a group is looked up once, not once a file
    for top in private_paths(course):
        through: Accounts = EVERYONE  # who can reach the folder that holds ``top``
        for folder in reversed(top.parents):
            through = _both(through, let_in(os.stat(folder), PASS, members))
        yield from _walk(top, through, members)


def _walk(path: Path, through: Accounts, members: Callable[[int], frozenset[str]]) -> Iterator[Exposed]:
    """``path`` (and all below it) that others can read, given who can reach its folder."""
    if through is not EVERYONE and not through:
        return
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        return  # a link is judged where it points, if that is among the private paths
    readers = _others(_both(through, let_in(status, READ, members)), status)
    if readers is EVERYONE or readers:
        yield Exposed(path, readers)
    if stat.S_ISDIR(status.st_mode):
        inside = _both(through, let_in(status, PASS, members))
        for child in sorted(path.iterdir()):
            yield from _walk(child, inside, members)


def refusal(course: Course, members: Callable[[int], frozenset[str]] = group_members) -> str:
    """Why `trainingkit hub` will not deploy from ``course`` ("" when nobody else can read its keys):
    the paths, who can read them, and the command that makes them private."""
    found = list(exposed(course, members))
    if not found:
        return ""
    root = course.root
    tops = [top for top in private_paths(course) if any(item.path == top or top in item.path.parents for item in found)]

    def shown(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    lines = []
    for top in tops:
        below = [item for item in found if item.path == top or top in item.path.parents]
        more = f" (and {len(below) - 1} more in it)" if len(below) > 1 else ""
        lines.append(f"  {shown(below[0].path)}: readable by {below[0].who()}{more}")
    # outside the checkout: a worktree's repository; closing it closes its worktrees' folders too
    outside = [top for top in tops if not top.is_relative_to(root)]
    outside = [top for top in outside if not any(other in top.parents for other in outside)]
    names = " ".join(shown(top) for top in tops)
    return (f"other accounts on this machine can read the course's answer keys or instructor files in the "
            f"checkout {root}; every trainee on the hub has an account here and could read them:\n"
            + "\n".join(lines)
            + f"\nMake the checkout private and run again: chmod 700 {' '.join(map(str, [root, *outside]))}\n"
            f"(or, keeping the rest readable: cd {root} && chmod -R go-rwx {names})")
