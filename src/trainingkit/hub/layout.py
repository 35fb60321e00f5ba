"""Where a hub deployment keeps everything: one object owns every path and name. Pure.

```
PREFIX/                      root, 0755
  venv/                      the interpreter every account runs (trainingkit installed, no keys)
  course/                    the grader account's copy of the course, 0700: bank, source, gradebook,
                             submitted, autograded, feedback; unreadable to anyone else
    course-store/            the course service's store: released assignments, submissions as
                             received, feedback to return (trainingkit.exchange.store)
  office/                    the grader's, group GRADER-office (the roster's office accounts), 2750:
    results.csv              the results register (0640): released ethics review results, which
                             the office reads and no trainee can (trainingkit.exam.results)
    forms.yaml               a copy of the course's fixed forms register (0640), for the cut scores
                             the office's `trainingkit certificate issue` signs against
  windows/                   the grader's, group GRADER-office, 2770: the office writes, the grader reads:
    open.csv                 the office's list of open renewal windows (0644; only the grader and the
                             office's group can enter the folder), which offers coaches review sittings
                             (trainingkit.renewal.windows)
  published/                 root's, group GRADER-office, 2775: the certification body's public files
                             (issuer profile, status list, credentials/CODE.json), 0644, which the
                             office writes and everyone on the machine reads (trainingkit.credentials)
  jupyter/ROLE/              each role's Jupyter configuration (read-only, root's)
  hub/                       root only, 0700: the hub's database, secrets, settings (settings.json,
                             0600, keeps the gradebook URL when it is not SQLite), the roster in force
                             (roster.csv), who is disabled (disabled.txt) and the token with which
                             `trainingkit roster` changes people on the running hub; no passwords
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trainingkit.course import COURSE_ID, Course

DEFAULT_PREFIX = Path("/srv/trainingkit")
DEFAULT_GRADER = "tk-grader"
#: Seconds without activity after which jupyterhub-idle-culler stops a person's server.
DEFAULT_IDLE_TIMEOUT = 3600


@dataclass(frozen=True)
class HubLayout:
    """A hub deployment of the course under ``prefix``, graded by the ``grader`` account."""

    prefix: Path = DEFAULT_PREFIX
    grader: str = DEFAULT_GRADER
    course_id: str = COURSE_ID

    @property
    def venv(self) -> Path:
        return self.prefix / "venv"

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    @property
    def course(self) -> Course:
        return Course(self.prefix / "course")

    def role_config(self, role: str) -> Path:
        return self.prefix / "jupyter" / role

    @property
    def hub_dir(self) -> Path:
        return self.prefix / "hub"

    @property
    def passwords_file(self) -> Path:
        """Where first passwords were kept in plain text before they were only shown once: removed."""
        return self.hub_dir / "passwords.csv"

    @property
    def roster_file(self) -> Path:
        """The roster in force: the one given to `trainingkit hub`, as `trainingkit roster` changed it."""
        return self.hub_dir / "roster.csv"

    @property
    def disabled_file(self) -> Path:
        """The usernames of people disabled for now (one a line): kept on the roster, let in nowhere."""
        return self.hub_dir / "disabled.txt"

    @property
    def people_token_file(self) -> Path:
        """The `people` service's hub API token, with which `trainingkit roster` changes the running hub."""
        return self.hub_dir / "people-service-token"

    @property
    def settings_file(self) -> Path:
        return self.hub_dir / "settings.json"

    @property
    def config_file(self) -> Path:
        return self.hub_dir / "jupyterhub_config.py"

    @property
    def office_dir(self) -> Path:
        return self.prefix / "office"

    @property
    def results_register(self) -> Path:
        return self.office_dir / "results.csv"

    @property
    def office_forms(self) -> Path:
        """The office's copy of the course's fixed forms register (cut scores for certificates)."""
        return self.office_dir / "forms.yaml"

    @property
    def windows_dir(self) -> Path:
        """The office's folder for the course: the office writes into it, the grader reads from it."""
        return self.prefix / "windows"

    @property
    def review_windows(self) -> Path:
        """The office's list of open renewal windows (trainingkit.renewal.windows)."""
        return self.windows_dir / "open.csv"

    @property
    def published_dir(self) -> Path:
        """The certification body's published folder: the office writes it, everyone reads it."""
        return self.prefix / "published"

    @property
    def office_group(self) -> str:
        """The OS group of the roster's office accounts: they may read the results register.

        Named after the deployment's grader account, so two deployments on one machine never
        share (and rewrite) each other's group."""
        return f"{self.grader}-office"

    @property
    def formgrade_group(self) -> str:
        return f"formgrade-{self.course_id}"

    @property
    def service_prefix(self) -> str:
        """Where the course's formgrader service lives on the hub."""
        return f"/services/{self.course_id}/"

    #: The course service (trainingkit.exchange.service): the only door between a person and the course.
    course_service: str = "course"

    @property
    def course_service_prefix(self) -> str:
        return f"/services/{self.course_service}/"

    #: The hub service through which `trainingkit roster` adds, disables and removes people (no URL).
    people_service: str = "people"
    #: The page where each person changes their own password (trainingkit.hub.change_password).
    password_service: str = "password"
