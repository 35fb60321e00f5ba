"""docs/z2jh-values.yaml: the Kubernetes deployment keeps every setting the three roles rely on.

The values are read with ``yaml.safe_load`` as Helm would take them; the roster and role
snippets of ``hub.extraConfig`` are run against a plain traitlets ``Config`` with fake
spawners, as JupyterHub would run them. Where `make hub` has the same setting (the course
service, its role and scope, the servers' token scopes, each role's and the course's nbgrader
configuration), the values are compared with what `trainingkit hub` itself configures or
writes. ``docs/deploy.md`` must name every setting checked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from traitlets.config import Config

from tests.conftest import PROJECT
from trainingkit.course import COURSE_ID, Course
from trainingkit.exchange import client
from trainingkit.grading.config import CLIENT_PLUGINS
from trainingkit.hub.change_password import ELSEWHERE, password_page_elsewhere
from trainingkit.hub.config import HubSettings, configure_hub
from trainingkit.hub.deploy import SHARED_CONFIG
from trainingkit.hub.layout import HubLayout
from trainingkit.hub.roles import GRADER_VIEW, RENEWALS, nbgrader_client_config, write_role_config
from trainingkit.renewal.workspace import BLANK_LOG

VALUES_FILE = PROJECT / "docs" / "z2jh-values.yaml"
DEPLOY_DOC = PROJECT / "docs" / "deploy.md"

SERVICE = "trauma-recovery-coaching"
FORMGRADE_GROUP = "formgrade-trauma-recovery-coaching"
ACCESS_SCOPE = "access:services!service=trauma-recovery-coaching"
GRADER = "tk-grader"
LESSON_00 = "/lab/tree/lessons/00-welcome.ipynb"
LAYOUT = HubLayout()
COURSE_SERVICE = LAYOUT.course_service
COURSE_SCOPE = f"access:services!service={COURSE_SERVICE}"
COURSE_MEMBERS = "course-members"
#: What the shared exchange folder of earlier versions was called, in the values and in deploy.md.
OLD_EXCHANGE = ("trainingkit-exchange", "/srv/trainingkit/exchange", "Exchange.root", "TRAININGKIT_EXCHANGE")
GRADER_CLAIM = "trainingkit-grader"
ROLE_FOLDER = "/etc/trainingkit/jupyter/{role}"
GRADING_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list")
GRADING_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
#: Authenticators that let anyone in, or everyone in with one shared password.
NOT_AUTHENTICATION = {"dummy", "shared-password", "null", "tmp",
                      "jupyterhub.auth.DummyAuthenticator", "dummyauthenticator.DummyAuthenticator",
                      "jupyterhub.authenticators.shared.SharedPasswordAuthenticator",
                      "nullauthenticator.NullAuthenticator", "tmpauthenticator.TmpAuthenticator"}
ROSTER = ("username,role,name\n"
          "ana,trainee,Ana Example\n"
          "ben,trainee,Ben Example\n"
          "sue,supervisor,Sue Example\n"
          "olu,office,Olu Example\n")


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))


def env_of(env: list | dict | None) -> dict[str, Any]:
    """A container's or chart's environment as ``{name: value or valueFrom}``, from either notation."""
    if not env:
        return {}
    if isinstance(env, dict):
        return {(spec.get("name", name) if isinstance(spec, dict) else name):
                (spec.get("value", spec) if isinstance(spec, dict) else spec) for name, spec in env.items()}
    return {item["name"]: item.get("value", item) for item in env}


def grader_container(values: dict[str, Any]) -> dict[str, Any]:
    (container,) = [c for c in values["hub"].get("extraContainers", []) if c["name"] == SERVICE]
    return container


def course_container(values: dict[str, Any]) -> dict[str, Any]:
    """The hub pod's container running the course service."""
    (container,) = [c for c in values["hub"].get("extraContainers", []) if c["name"] == COURSE_SERVICE]
    return container


def init_container(values: dict[str, Any], name: str) -> dict[str, Any]:
    (container,) = [c for c in values["hub"]["initContainers"] if c["name"] == name]
    return container


def run_init_script(container: dict[str, Any], volume: Path, *, umask: int = 0o022) -> None:
    """Run an init container's ``sh -c`` script with the grader's volume at ``volume`` (chown a no-op)."""
    assert container["command"][:2] == ["sh", "-c"]
    script = "chown() { :; }; " + container["command"][2].replace("/srv/trainingkit", str(volume))
    subprocess.run(["sh", "-c", f"umask {umask:03o}; {script}"], env={"PATH": "/usr/bin:/bin"}, check=True)


@pytest.fixture(scope="module")
def make_hub(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The traitlets configuration `trainingkit hub` gives JupyterHub, for a small roster."""
    folder = tmp_path_factory.mktemp("make-hub")
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    config = Config()
    configure_hub(config, HubSettings(str(folder / "prefix"), "root", str(roster), "127.0.0.1",
                                      8000, 8001, 8002, 8003, course_service_port=8004))
    return config


def lets_others_write(mode: str) -> bool:
    """Whether a chmod mode (octal, or symbolic such as ``u=rwX,go=rX``) gives others write permission."""
    if mode.isdigit():
        return bool(int(mode, 8) & 0o002)
    for clause in mode.split(","):
        who, operator, permissions = re.fullmatch(r"([ugoa]*)([-+=])([rwxXst]*)", clause).groups()
        if operator != "-" and "w" in permissions and (not who or {"o", "a"} & set(who)):
            return True
    return False


def port_of(url: str) -> int:
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def user_files(values: dict[str, Any], folder: str) -> dict[str, dict[str, Any]]:
    """The files ``singleuser.extraFiles`` mounts into ``folder`` of user pods, by name within it."""
    files = {}
    for entry in values["singleuser"]["extraFiles"].values():
        path = Path(entry["mountPath"])
        if path.is_relative_to(folder):
            files[str(path.relative_to(folder))] = entry
    return files


def run_hub_config(values: dict[str, Any], roster: Path) -> Config:
    """The ``hub.extraConfig`` snippets run in key order in one namespace, reading ``roster``."""
    mounted = values["hub"]["extraFiles"]["trainingkit-roster"]["mountPath"]
    c = Config()
    namespace: dict[str, Any] = {"c": c}
    for key in sorted(values["hub"]["extraConfig"]):
        snippet = values["hub"]["extraConfig"][key]
        exec(compile(snippet.replace(mounted, str(roster)), key, "exec"), namespace)  # noqa: S102
    return c


def fake_spawner(name: str, groups: list[str], values: dict[str, Any]) -> SimpleNamespace:
    user = SimpleNamespace(name=name, groups=[SimpleNamespace(name=group) for group in groups])
    return SimpleNamespace(user=user, environment=env_of(values["singleuser"]["extraEnv"]),
                           default_url=values["singleuser"]["defaultUrl"])


def doc_manifests() -> list[dict[str, Any]]:
    """Every Kubernetes object in the YAML code blocks of deploy.md."""
    blocks = re.findall(r"```yaml\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"), flags=re.S)
    return [doc for block in blocks for doc in yaml.safe_load_all(block) if isinstance(doc, dict)]


def test_the_values_are_plain_yaml(values: dict[str, Any]) -> None:
    """The values file is YAML that yaml.safe_load reads into the chart's hub, singleuser and cull sections."""
    assert {"hub", "singleuser", "cull"} <= set(values)


def test_the_formgrader_is_a_hub_service_without_a_confirmation_page(values: dict[str, Any]) -> None:
    """The hub has a service named trauma-recovery-coaching, and supervisors skip OAuth's confirmation page."""
    service = values["hub"]["services"][SERVICE]
    assert service.get("name", SERVICE) == SERVICE
    assert service["oauth_no_confirm"] is True
    assert service["url"].startswith("http://")


def test_the_hub_does_not_start_the_formgrader_in_its_own_container(values: dict[str, Any]) -> None:
    """The service has no command, so the hub never runs a formgrader beside its own database and secrets."""
    assert "command" not in values["hub"]["services"][SERVICE]


def test_only_the_formgrade_group_role_admits_to_the_formgrader(values: dict[str, Any]) -> None:
    """The formgrader service is admitted only through the formgrade group's role."""
    roles = values["hub"]["loadRoles"]
    granting = {name: role for name, role in roles.items()
                if any(scope.startswith("access:services") for scope in role.get("scopes", []))}
    assert sorted(granting) == sorted([FORMGRADE_GROUP, COURSE_MEMBERS, "password-page"])
    assert [name for name, role in granting.items() if ACCESS_SCOPE in role["scopes"]] == [FORMGRADE_GROUP]
    role = granting[FORMGRADE_GROUP]
    assert role["scopes"] == [ACCESS_SCOPE]
    assert role["groups"] == [FORMGRADE_GROUP]
    assert not role.get("users") and not role.get("services")


def test_groups_come_from_the_roster_with_supervisors_alone_in_the_formgrade_group(
        values: dict[str, Any], tmp_path: Path) -> None:
    """The roster sets load_groups: trainees, supervisors and office, and only supervisors may formgrade."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    c = run_hub_config(values, roster)
    assert c.JupyterHub.load_groups == {
        FORMGRADE_GROUP: {"users": ["sue"]},
        "trainees": {"users": ["ana", "ben"]},
        "supervisors": {"users": ["sue"]},
        "office": {"users": ["olu"]},
    }
    assert set(c.Authenticator.allowed_users) == {"ana", "ben", "sue", "olu"}


def test_a_roster_line_with_an_unknown_role_stops_the_hub(values: dict[str, Any], tmp_path: Path) -> None:
    """A roster role other than trainee, supervisor or office is an error naming the line, not a silent skip."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER + "max,admin,Max Example\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 6"):
        run_hub_config(values, roster)


def test_each_role_gets_its_own_view_before_its_server_starts(values: dict[str, Any], tmp_path: Path) -> None:
    """The pre_spawn_hook opens trainees and supervisors on lesson 00 and the office on its renewals notebook."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    hook = run_hub_config(values, roster).KubeSpawner.pre_spawn_hook
    expected = {"trainees": ("trainee", LESSON_00), "supervisors": ("supervisor", LESSON_00),
                "office": ("office", RENEWALS.default_url)}
    for group, (role, url) in expected.items():
        groups = [group, FORMGRADE_GROUP] if role == "supervisor" else [group]
        spawner = fake_spawner("someone", groups, values)
        hook(spawner)
        assert spawner.environment["JUPYTER_CONFIG_DIR"] == ROLE_FOLDER.format(role=role)
        assert spawner.default_url == url
    with pytest.raises(ValueError, match="no role group"):
        hook(fake_spawner("stranger", [], values))


def _post_start(values: dict[str, Any], role: str, home: Path, image: Path) -> None:
    """Run the pods' postStart command as it runs in a pod of ``role``, with its folders moved here."""
    command = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"]
    script = command[2].replace("/home/jovyan", str(home)).replace("/opt/trainingkit", str(image))
    path = f"{Path(sys.executable).parent}:/usr/bin:/bin"  # the image's python, with trainingkit
    subprocess.run(["sh", "-c", script], env={"TRAININGKIT_ROLE": role, "PATH": path}, check=True)


def test_a_pod_gets_its_role_folder_once_and_never_loses_what_is_in_it(values: dict[str, Any], tmp_path: Path) -> None:
    """postStart gives the office ~/renewals (notebook and a header-only log) and others ~/lessons, never replacing either."""
    image = tmp_path / "opt"
    (image / "lessons").mkdir(parents=True)
    (image / "lessons" / "00-welcome.ipynb").write_text("lesson")
    (image / "office").mkdir()
    (image / "office" / "renewals.ipynb").write_text("notebook")
    office, trainee = tmp_path / "office", tmp_path / "trainee"
    for home in (office, trainee):
        home.mkdir()
    _post_start(values, "office", office, image)
    _post_start(values, "trainee", trainee, image)
    assert (office / "renewals" / "coaches.csv").read_text() == BLANK_LOG
    assert (office / "renewals" / "renewals.ipynb").read_text() == "notebook"
    assert oct((office / "renewals").stat().st_mode & 0o777) == "0o700" and not (office / "lessons").exists()
    assert (trainee / "lessons" / "00-welcome.ipynb").read_text() == "lesson" and not (trainee / "renewals").exists()
    (office / "renewals" / "coaches.csv").write_text(BLANK_LOG + "C1,2026-01-05,certified,,,,\n")
    _post_start(values, "office", office, image)
    assert (office / "renewals" / "coaches.csv").read_text().endswith("certified,,,,\n")


def test_each_start_brings_the_offices_notebook_up_to_date_and_leaves_its_other_files_alone(
        values: dict[str, Any], tmp_path: Path) -> None:
    """postStart for an office whose pod started before a new notebook: its old copy (no record) is set aside in
    ~/renewals/.previous and the image's notebook takes its place; coaches.csv and a report are as they were, and
    the record of the notebook's build is outside ~/renewals."""
    image, office = tmp_path / "opt", tmp_path / "office"
    (image / "office").mkdir(parents=True)
    (image / "office" / "renewals.ipynb").write_text("notebook with the log grid")
    renewals = office / "renewals"
    renewals.mkdir(parents=True, mode=0o700)
    (renewals / "renewals.ipynb").write_text("notebook before the log grid")
    (renewals / "coaches.csv").write_text(BLANK_LOG + "C1,2026-01-05,certified,,,,\n")
    (renewals / "reports").mkdir()
    (renewals / "reports" / "status.csv").write_text("a report")
    _post_start(values, "office", office, image)
    assert (renewals / "renewals.ipynb").read_text() == "notebook with the log grid"
    (aside,) = (renewals / ".previous").iterdir()
    assert aside.read_text() == "notebook before the log grid"
    assert (renewals / "coaches.csv").read_text() == BLANK_LOG + "C1,2026-01-05,certified,,,,\n"
    assert (renewals / "reports" / "status.csv").read_text() == "a report"
    assert sorted(path.name for path in renewals.iterdir()) == [".previous", "coaches.csv", "renewals.ipynb", "reports"]
    assert (office / ".trainingkit" / "renewals-notebook.json").exists()


def test_each_start_brings_the_lessons_up_to_date_and_loses_nothing(values: dict[str, Any], tmp_path: Path) -> None:
    """postStart at the next start (a new image): a lesson left as it was is replaced, one the trainee changed is
    set aside in ~/lessons/.previous, a new lesson appears, and answers.json is not touched."""
    image, home = tmp_path / "opt", tmp_path / "trainee"
    (image / "lessons").mkdir(parents=True)
    home.mkdir()
    for name in ("00-welcome.ipynb", "01-scope.ipynb"):
        (image / "lessons" / name).write_text(f"{name} as first built")
    _post_start(values, "trainee", home, image)
    lessons = home / "lessons"
    (lessons / "01-scope.ipynb").write_text("the trainee's own notes in lesson 01")
    (lessons / "answers.json").write_text('{"kept": true}')
    for name in ("00-welcome.ipynb", "01-scope.ipynb", "02-boundaries.ipynb"):
        (image / "lessons" / name).write_text(f"{name} as built again")
    _post_start(values, "trainee", home, image)
    assert [(lessons / name).read_text() for name in ("00-welcome.ipynb", "01-scope.ipynb", "02-boundaries.ipynb")] \
        == [f"{name} as built again" for name in ("00-welcome.ipynb", "01-scope.ipynb", "02-boundaries.ipynb")]
    (aside,) = (lessons / ".previous").iterdir()
    assert aside.read_text() == "the trainee's own notes in lesson 01"
    assert (lessons / "answers.json").read_text() == '{"kept": true}'
    command = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"][2]
    assert "python -m trainingkit.hub.fresh_lessons /home/jovyan/lessons --from /opt/trainingkit/lessons" in command


def password_container(values: dict[str, Any]) -> dict[str, Any]:
    (container,) = [c for c in values["hub"].get("extraContainers", []) if c["name"] == LAYOUT.password_service]
    return container


def test_the_password_page_is_a_service_in_the_menu_as_make_hub_registers_it(
        values: dict[str, Any], make_hub: Config) -> None:
    """hub.services has `make hub`'s password service (no confirmation page, shown in the Services menu), and
    the role password-page lets trainees, supervisors and the office open it, with `make hub`'s scope."""
    (ours,) = [s for s in make_hub.JupyterHub.services if s["name"] == LAYOUT.password_service]
    service = values["hub"]["services"][LAYOUT.password_service]
    assert service["url"].startswith("http://") and "command" not in service
    assert (service.get("oauth_no_confirm"), service.get("display")) == (ours["oauth_no_confirm"], ours["display"])
    (role_ours,) = [r for r in make_hub.JupyterHub.load_roles if r["name"] == "password-page"]
    role = values["hub"]["loadRoles"]["password-page"]
    assert role["scopes"] == role_ours["scopes"] and sorted(role["groups"]) == sorted(role_ours["groups"])
    env = env_of(password_container(values)["env"])
    assert json.loads(env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"]) == role["scopes"]
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == f"/services/{LAYOUT.password_service}/"
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "hub", "key": f"hub.services.{LAYOUT.password_service}.apiToken"}


def test_the_password_page_sends_people_to_the_identity_providers_page_and_holds_nothing(values: dict[str, Any]) -> None:
    """Single sign-on owns the passwords: the page runs trainingkit.hub.change_password with an https address of
    the provider's page, not as root, without the course volume or the hub's Kubernetes token; only the proxy
    reaches its port."""
    container = password_container(values)
    assert container["command"] == ["python", "-m", "trainingkit.hub.change_password"]
    env = env_of(container["env"])
    assert password_page_elsewhere({ELSEWHERE: env[ELSEWHERE]}).startswith("https://sso.example.org/")
    security = container["securityContext"]
    assert security["runAsUser"] not in (0, 1000, 1100) and security["runAsNonRoot"] is True
    assert security["allowPrivilegeEscalation"] is False and security["capabilities"]["drop"] == ["ALL"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert list(mounts.values()) == ["/var/run/secrets/kubernetes.io/serviceaccount"]
    assert "TRAININGKIT_DB_URL" not in env and "TRAININGKIT_ROOT" not in env
    hub = values["hub"]
    port = port_of(hub["services"][LAYOUT.password_service]["url"])
    (container_port,) = container["ports"]
    assert container_port["containerPort"] == port == port_of(env["JUPYTERHUB_SERVICE_URL"])
    assert any(p["port"] == port and p["targetPort"] in (port, container_port["name"])
               for p in hub["service"]["extraPorts"])
    admitting = [rule for rule in hub["networkPolicy"]["ingress"] if any(p["port"] == port for p in rule["ports"])]
    assert [rule["from"] for rule in admitting] == [[{"podSelector": {"matchLabels": {"component": "proxy"}}}]]


def test_the_default_url_opens_lesson_00(values: dict[str, Any]) -> None:
    """A trainee's JupyterLab opens on the first lesson."""
    assert values["singleuser"]["defaultUrl"] == LESSON_00


def test_trainee_servers_switch_off_the_grading_parts_of_nbgrader(values: dict[str, Any]) -> None:
    """The trainee configuration disables the three nbgrader grading plugins and its two grading server extensions."""
    folder = ROLE_FOLDER.format(role="trainee")
    assert env_of(values["singleuser"]["extraEnv"])["JUPYTER_CONFIG_DIR"] == folder
    files = user_files(values, folder)
    disabled = files["labconfig/page_config.json"]["data"]["disabledExtensions"]
    assert all(disabled[plugin] is True for plugin in GRADING_PLUGINS)
    extensions = files["jupyter_server_config.json"]["data"]["ServerApp"]["jpserver_extensions"]
    assert all(extensions[name] is False for name in GRADING_EXTENSIONS)


def test_no_role_gets_the_grading_parts_in_its_own_server(values: dict[str, Any]) -> None:
    """Supervisors and the office, too, grade only in the service: every role folder switches grading off."""
    for role in ("supervisor", "office"):
        files = user_files(values, ROLE_FOLDER.format(role=role))
        disabled = files["labconfig/page_config.json"]["data"]["disabledExtensions"]
        extensions = files["jupyter_server_config.json"]["data"]["ServerApp"]["jpserver_extensions"]
        assert all(disabled[plugin] is True for plugin in GRADING_PLUGINS), role
        assert all(extensions[name] is False for name in GRADING_EXTENSIONS), role


def test_every_role_folder_has_a_read_only_migration_marker(values: dict[str, Any]) -> None:
    """Each read-only role folder holds Jupyter's migration marker, so a server still starts once ~/.ipython exists."""
    for role in ("trainee", "supervisor", "office"):
        assert "migrated" in user_files(values, ROLE_FOLDER.format(role=role)), role


def test_every_role_folder_has_make_hubs_client_config(values: dict[str, Any]) -> None:
    """Each role's nbgrader_config.py is exactly what `trainingkit hub` writes: fetch, submit, list and
    feedback through the course service's client plugins, the course id, and nothing of the course itself."""
    for role in ("trainee", "supervisor", "office"):
        source = user_files(values, ROLE_FOLDER.format(role=role))["nbgrader_config.py"]["stringData"]
        assert source == nbgrader_client_config(COURSE_ID), role
        c = Config()
        exec(compile(source, f"{role}/nbgrader_config.py", "exec"), {"get_config": lambda c=c: c})  # noqa: S102
        assert dict(c.ExchangeFactory) == CLIENT_PLUGINS
        assert c.CourseDirectory.course_id == SERVICE == COURSE_ID
        assert "root" not in c.Exchange
        assert "root" not in c.CourseDirectory and "db_url" not in c.CourseDirectory


def test_user_pods_mount_nothing_of_the_course(values: dict[str, Any]) -> None:
    """User pods have their own home and the read-only role folders; no extra volume, no claim, nothing under
    /srv/trainingkit, and deploy.md creates no ReadWriteMany claim for them."""
    singleuser = values["singleuser"]
    storage = singleuser["storage"]
    assert not storage.get("extraVolumes") and not storage.get("extraVolumeMounts")
    assert not singleuser.get("extraVolumes") and not singleuser.get("extraVolumeMounts")
    assert "persistentVolumeClaim" not in json.dumps(singleuser)
    assert all(entry["mountPath"].startswith("/etc/trainingkit/jupyter/") for entry in singleuser["extraFiles"].values())
    claims = [doc for doc in doc_manifests() if doc.get("kind") == "PersistentVolumeClaim"]
    assert [doc["metadata"]["name"] for doc in claims] == [GRADER_CLAIM]
    assert all("ReadWriteMany" not in doc["spec"]["accessModes"] for doc in claims)


def test_no_shared_exchange_is_left_anywhere(values: dict[str, Any]) -> None:
    """Neither the values nor deploy.md name the exchange claim, its mount point, Exchange.root or its variable."""
    for path in (VALUES_FILE, DEPLOY_DOC):
        text = path.read_text(encoding="utf-8")
        assert [name for name in OLD_EXCHANGE if name in text] == [], path.name
    assert not any(item.get("name") == "TRAININGKIT_EXCHANGE"
                   for container in values["hub"]["extraContainers"] for item in container.get("env", []))


def test_course_files_are_mounted_in_the_graders_containers_only(values: dict[str, Any]) -> None:
    """The grader's volume (bank, source, submissions, the course store, feedback) is mounted in the formgrader
    and course service containers (and the init containers that prepare it), never in a user pod or the hub itself."""
    hub_volumes = {v["name"]: v for v in values["hub"]["extraVolumes"]}
    grader_volumes = {name for name, v in hub_volumes.items()
                      if v.get("persistentVolumeClaim", {}).get("claimName") == GRADER_CLAIM}
    assert grader_volumes
    mounting = {container["name"] for container in values["hub"]["extraContainers"]
                if grader_volumes & {m["name"] for m in container.get("volumeMounts", [])}}
    assert mounting == {SERVICE, COURSE_SERVICE}
    assert not grader_volumes & {m["name"] for m in values["hub"].get("extraVolumeMounts", [])}
    assert GRADER_CLAIM not in json.dumps(values["singleuser"])


def test_the_formgrader_runs_as_the_grader_account(values: dict[str, Any]) -> None:
    """The formgrader container runs jupyterhub-singleuser as tk-grader, an account of its own, without the hub's token."""
    container = grader_container(values)
    assert container["command"][0] == "jupyterhub-singleuser"
    env = env_of(container["env"])
    assert env["USER"] == GRADER and env["JUPYTERHUB_SERVICE_NAME"] == SERVICE
    assert json.loads(env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"]) == [ACCESS_SCOPE]
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == f"hub.services.{SERVICE}.apiToken"
    security = container["securityContext"]
    assert security["runAsUser"] not in (0, 1000) and security["runAsNonRoot"] is True
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert "/var/run/secrets/kubernetes.io/serviceaccount" in mounts


def test_the_formgrader_container_has_the_graders_view_of_make_hub(values: dict[str, Any], tmp_path: Path) -> None:
    """The init container writes the grader's Jupyter configuration as `make hub` does (autorun off,
    trainingkit's formgrader wording on), and the formgrader container reads it."""
    volume = tmp_path / "srv"
    volume.mkdir()
    run_init_script(init_container(values, "prepare-trainingkit-volumes"), volume)
    written = volume / "jupyter" / "grader"
    expected = tmp_path / "make-hub"
    write_role_config(expected, GRADER_VIEW, course_id=SERVICE)
    for name in ("jupyter_server_config.json", "labconfig/page_config.json"):
        assert json.loads((written / name).read_text()) == json.loads((expected / name).read_text()), name
    assert (written / "migrated").is_file()
    assert env_of(grader_container(values)["env"])["JUPYTER_CONFIG_DIR"] == "/srv/trainingkit/jupyter/grader"


def test_no_init_container_leaves_anything_writable_by_others(values: dict[str, Any], tmp_path: Path) -> None:
    """Run as the hub pod runs them, even under umask 000 on a volume provisioned 0777, the init containers
    leave nothing on the grader's volume that anyone but its owner may write (`find -perm -o+w` prints
    nothing), and the course and the grader's home private to the grader; no script sets such a mode."""
    volume = tmp_path / "srv"
    volume.mkdir()
    volume.chmod(0o777)
    for container in values["hub"]["initContainers"]:
        modes = re.findall(r"chmod\s+(?:-\w+\s+)*(\S+)", container["command"][2])
        assert [mode for mode in modes if lets_others_write(mode)] == [], container["name"]
        run_init_script(container, volume, umask=0o000)
    everything = [volume, *volume.rglob("*")]
    assert len(everything) > 5
    assert [str(path) for path in everything if path.lstat().st_mode & 0o002] == []
    for private in ("course", "home"):
        assert (volume / private).stat().st_mode & 0o077 == 0, private


def test_the_course_is_configured_as_make_hub_configures_it(values: dict[str, Any], tmp_path: Path) -> None:
    """The grader's init container writes coursework/nbgrader_config.py as `trainingkit hub` does (the
    grader-side plugins on the course store), as the grader, at every start; deploy.md never copies the
    project's own file (the folder exchange of `make lab`) over it."""
    init = init_container(values, "write-course-config")
    assert init["securityContext"]["runAsUser"] == grader_container(values)["securityContext"]["runAsUser"]
    volume = tmp_path / "srv"
    volume.mkdir()
    (volume / "course" / "coursework").mkdir(parents=True)
    (volume / "course" / "coursework" / "nbgrader_config.py").write_text("# an old configuration\n")
    run_init_script(init, volume)
    root = env_of(grader_container(values)["env"])["TRAININGKIT_ROOT"].replace("/srv/trainingkit", str(volume))
    written = Course(Path(root)).coursework / "nbgrader_config.py"
    assert written.read_text() == SHARED_CONFIG
    commands = "\n".join(re.findall(r"```sh\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"), flags=re.S))
    assert "coursework/nbgrader_config.py" not in commands


def test_the_course_service_is_registered_as_make_hub_registers_it(values: dict[str, Any], make_hub: Config) -> None:
    """hub.services has the course service under `make hub`'s name, at a URL, started by no one but its own
    container; the container serves under the prefix the hub routes to it."""
    (ours,) = [s for s in make_hub.JupyterHub.services if s["name"] == COURSE_SERVICE]
    service = values["hub"]["services"][COURSE_SERVICE]
    assert service.get("name", COURSE_SERVICE) == COURSE_SERVICE
    assert service["url"].startswith("http://") and "command" not in service
    assert service.get("oauth_no_confirm") == ours.get("oauth_no_confirm")
    env = env_of(course_container(values)["env"])
    assert env["JUPYTERHUB_SERVICE_NAME"] == COURSE_SERVICE
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == LAYOUT.course_service_prefix == f"/services/{COURSE_SERVICE}/"


def test_trainees_and_supervisors_may_call_the_course_service_as_in_make_hub(
        values: dict[str, Any], make_hub: Config) -> None:
    """hub.loadRoles gives course-members `make hub`'s scope for the groups trainees and supervisors (never
    the office), and servers' tokens ask for the same scopes as `make hub`'s."""
    (ours,) = [r for r in make_hub.JupyterHub.load_roles if r["name"] == COURSE_MEMBERS]
    role = values["hub"]["loadRoles"][COURSE_MEMBERS]
    assert role["scopes"] == ours["scopes"] == [COURSE_SCOPE]
    assert sorted(role["groups"]) == sorted(ours["groups"]) == ["supervisors", "trainees"]
    assert not role.get("users") and not role.get("services")
    scopes = values["hub"]["config"]["Spawner"]["server_token_scopes"]
    assert scopes == list(make_hub.Spawner.server_token_scopes) and COURSE_SCOPE in scopes


def test_the_course_service_admits_only_tokens_with_its_scope(values: dict[str, Any]) -> None:
    """The service's HubAuth checks the very scope course-members holds (without one, HubAuth admits every
    hub user), with the service's own API token from the chart's Secret; it gets no gradebook URL."""
    env = env_of(course_container(values)["env"])
    assert json.loads(env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"]) == values["hub"]["loadRoles"][COURSE_MEMBERS]["scopes"]
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "hub", "key": f"hub.services.{COURSE_SERVICE}.apiToken"}
    assert env["JUPYTERHUB_API_URL"] == env_of(grader_container(values)["env"])["JUPYTERHUB_API_URL"]
    assert "TRAININGKIT_DB_URL" not in env


def test_the_course_service_runs_as_the_grader_on_the_formgraders_course(values: dict[str, Any]) -> None:
    """`python -m trainingkit.exchange.service`, as the formgrader's uid (not root, not jovyan), with the
    formgrader's TRAININGKIT_ROOT on the same volume and path, so both see one course store; without the
    hub's Kubernetes token."""
    container, formgrader = course_container(values), grader_container(values)
    assert container["command"] == ["python", "-m", "trainingkit.exchange.service"]
    security = container["securityContext"]
    assert security["runAsUser"] == formgrader["securityContext"]["runAsUser"] not in (0, 1000)
    assert security["runAsNonRoot"] is True and security["allowPrivilegeEscalation"] is False
    env, formgrader_env = env_of(container["env"]), env_of(formgrader["env"])
    assert env["TRAININGKIT_ROOT"] == formgrader_env["TRAININGKIT_ROOT"]
    assert env["USER"] == GRADER
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    formgrader_mounts = {m["name"]: m["mountPath"] for m in formgrader["volumeMounts"]}
    (grader_volume,) = [v["name"] for v in values["hub"]["extraVolumes"]
                        if v.get("persistentVolumeClaim", {}).get("claimName") == GRADER_CLAIM]
    assert mounts[grader_volume] == formgrader_mounts[grader_volume]
    assert Course(Path(env["TRAININGKIT_ROOT"])).course_store.is_relative_to(mounts[grader_volume])
    assert "/var/run/secrets/kubernetes.io/serviceaccount" in mounts.values()


def test_user_pods_reach_the_course_service_at_its_url(values: dict[str, Any]) -> None:
    """Every user pod has the client's URL variable: the service's URL and prefix. The hub Service's extra
    port, the container's port, the hub's ingress rule (from user pods only) and the user pods' egress rule
    (to the hub pod) all name that one port."""
    hub, url = values["hub"], values["hub"]["services"][COURSE_SERVICE]["url"]
    assert client.URL_ENV == "TRAININGKIT_COURSE_SERVICE_URL"
    assert env_of(values["singleuser"]["extraEnv"])[client.URL_ENV] == url.rstrip("/") + LAYOUT.course_service_prefix
    port = port_of(url)
    (container_port,) = course_container(values)["ports"]
    assert container_port["containerPort"] == port
    assert port_of(env_of(course_container(values)["env"])["JUPYTERHUB_SERVICE_URL"]) == port
    assert any(p["port"] == port and p["targetPort"] in (port, container_port["name"])
               for p in hub["service"]["extraPorts"])
    admitting = [rule for rule in hub["networkPolicy"]["ingress"] if any(p["port"] == port for p in rule["ports"])]
    assert [rule["from"] for rule in admitting] == [[{"podSelector": {"matchLabels": {"component": "singleuser-server"}}}]]
    egress = [rule for rule in values["singleuser"]["networkPolicy"]["egress"]
              if any(p["port"] == port for p in rule["ports"])]
    assert [rule["to"] for rule in egress] == [[{"podSelector": {"matchLabels": {"component": "hub"}}}]]


def test_the_proxy_reaches_the_formgrader_at_the_service_url(values: dict[str, Any]) -> None:
    """The service URL, the hub Service's extra port, the container port and the network policy name one port."""
    hub = values["hub"]
    port = int(hub["services"][SERVICE]["url"].rsplit(":", 1)[1].strip("/"))
    (container_port,) = grader_container(values)["ports"]
    assert container_port["containerPort"] == port
    assert any(p["port"] == port and p["targetPort"] in (port, container_port["name"])
               for p in hub["service"]["extraPorts"])
    admitting = [rule for rule in hub["networkPolicy"]["ingress"] if any(p["port"] == port for p in rule["ports"])]
    assert [rule["from"] for rule in admitting] == [[{"podSelector": {"matchLabels": {"component": "proxy"}}}]]
    assert env_of(grader_container(values)["env"])["JUPYTERHUB_SERVICE_URL"].endswith(f":{port}")


def test_idle_servers_are_culled(values: dict[str, Any]) -> None:
    """jupyterhub-idle-culler is enabled with a timeout."""
    assert values["cull"]["enabled"] is True
    assert int(values["cull"]["timeout"]) > 0


def _bytes(quantity: str | int) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)\s*([KMGT]i?)?", str(quantity)).groups()
    powers = {None: 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    return float(number) * powers[unit]


def test_each_user_pod_has_a_memory_limit(values: dict[str, Any]) -> None:
    """Each user pod has a memory limit of about 512M, at least its guarantee, and a CPU limit."""
    memory = values["singleuser"]["memory"]
    assert 256e6 <= _bytes(memory["limit"]) <= 1.1e9
    assert _bytes(memory["guarantee"]) <= _bytes(memory["limit"])
    assert values["singleuser"]["cpu"]["limit"] > 0


def test_login_is_real_authentication(values: dict[str, Any]) -> None:
    """The authenticator is a real one, not a dummy or shared-password one, and no password is written in the values."""
    config = values["hub"]["config"]
    authenticator = config["JupyterHub"]["authenticator_class"]
    assert authenticator not in NOT_AUTHENTICATION
    assert not re.search(r"dummy|shared.?password|null|tmp", authenticator, flags=re.I)
    assert not {"DummyAuthenticator", "SharedPasswordAuthenticator"} & set(config)
    written = json.dumps(config).lower()
    assert "password" not in written and "client_secret" not in written


def test_the_gradebook_url_reaches_the_grader_only(values: dict[str, Any]) -> None:
    """TRAININGKIT_DB_URL is not in any user pod's environment but is in the grader service's, from a Secret."""
    assert "TRAININGKIT_DB_URL" not in json.dumps(values["singleuser"])
    assert "TRAININGKIT_DB_URL" not in env_of(values["hub"].get("extraEnv"))
    url = env_of(grader_container(values)["env"])["TRAININGKIT_DB_URL"]
    assert set(url) >= {"valueFrom"} and "value" not in url
    assert url["valueFrom"]["secretKeyRef"]["name"] and url["valueFrom"]["secretKeyRef"]["key"]
    assert not re.search(r"postgresql[+\w]*://[^\s/@]*:[^\s/@]*@", VALUES_FILE.read_text(encoding="utf-8"))


def test_deploy_md_names_every_setting(values: dict[str, Any]) -> None:
    """docs/deploy.md mentions every setting name the tests above check."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    names = [SERVICE, GRADER, FORMGRADE_GROUP, ACCESS_SCOPE, "oauth_no_confirm", "hub.services", "hub.loadRoles",
             "hub.extraConfig", "hub.extraContainers", "c.JupyterHub.load_groups", "pre_spawn_hook",
             "jupyterhub-singleuser", "KubeSpawner", "trainees", "supervisors", "office", LESSON_00,
             "singleuser.defaultUrl", "disabledExtensions", *GRADING_PLUGINS, "jpserver_extensions",
             *GRADING_EXTENSIONS, "singleuser.extraFiles", GRADER_CLAIM,
             "trainingkit.exchange.service", f"hub.services.{COURSE_SERVICE}", COURSE_MEMBERS, COURSE_SCOPE,
             "server_token_scopes", client.URL_ENV, values["singleuser"]["extraEnv"][client.URL_ENV],
             "JUPYTERHUB_OAUTH_ACCESS_SCOPES", f"hub.services.{COURSE_SERVICE}.apiToken", "course-store",
             "hub.networkPolicy.ingress", "singleuser.networkPolicy.egress", "nbgrader_client_config",
             "SHARED_CONFIG", "write-course-config", "ngshare", "ngshare-exchange",
             "TRAININGKIT_DB_URL", "postgresql+psycopg2://", "secretKeyRef", "singleuser.extraEnv",
             "jupyterhub-idle-culler", "cull.enabled", "singleuser.memory", str(values["singleuser"]["memory"]["limit"]),
             values["hub"]["config"]["JupyterHub"]["authenticator_class"], "make hub",
             "trainingkit.hub.fresh_lessons", "postStart", "--from /opt/trainingkit/lessons", ".previous",
             "--from /opt/trainingkit/office", "--notebooks renewals.ipynb",
             "/services/password/", "password-page", ELSEWHERE, f"hub.services.{LAYOUT.password_service}.apiToken",
             "trainingkit.hub.change_password"]
    assert [name for name in names if name not in text] == []
