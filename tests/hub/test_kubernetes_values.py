"""docs/z2jh-values.yaml: the Kubernetes deployment keeps every setting the three roles rely on.

The values are read with ``yaml.safe_load`` as Helm would take them; the roster and role
snippets of ``hub.extraConfig`` are run against a plain traitlets ``Config`` with fake
spawners, as JupyterHub would run them. ``docs/deploy.md`` must name every setting checked.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from traitlets.config import Config

from tests.conftest import PROJECT
from trainingkit.hub.roles import GRADER_VIEW, RENEWALS, write_role_config
from trainingkit.renewal.workspace import BLANK_LOG

VALUES_FILE = PROJECT / "docs" / "z2jh-values.yaml"
DEPLOY_DOC = PROJECT / "docs" / "deploy.md"

SERVICE = "trauma-recovery-coaching"
FORMGRADE_GROUP = "formgrade-trauma-recovery-coaching"
ACCESS_SCOPE = "access:services!service=trauma-recovery-coaching"
GRADER = "tk-grader"
LESSON_00 = "/lab/tree/lessons/00-welcome.ipynb"
EXCHANGE = "/srv/trainingkit/exchange"
EXCHANGE_CLAIM = "trainingkit-exchange"
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
    assert list(granting) == [FORMGRADE_GROUP]
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
    subprocess.run(["sh", "-c", script], env={"TRAININGKIT_ROLE": role, "PATH": "/usr/bin:/bin"}, check=True)


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


def test_user_servers_find_the_course_exchange(values: dict[str, Any]) -> None:
    """Each role's nbgrader settings name the exchange's mount point and the course, and nothing of the course itself."""
    for role in ("trainee", "supervisor", "office"):
        source = user_files(values, ROLE_FOLDER.format(role=role))["nbgrader_config.py"]["stringData"]
        c = Config()
        exec(compile(source, f"{role}/nbgrader_config.py", "exec"), {"get_config": lambda c=c: c})  # noqa: S102
        assert c.Exchange.root == EXCHANGE
        assert c.CourseDirectory.course_id == SERVICE
        assert "root" not in c.CourseDirectory and "db_url" not in c.CourseDirectory


def test_the_exchange_is_a_shared_volume_in_every_user_pod(values: dict[str, Any]) -> None:
    """Every user pod mounts the exchange claim at /srv/trainingkit/exchange, and deploy.md makes it ReadWriteMany."""
    storage = values["singleuser"]["storage"]
    (mount,) = [m for m in storage["extraVolumeMounts"] if m["mountPath"] == EXCHANGE]
    assert not mount.get("readOnly")
    (volume,) = [v for v in storage["extraVolumes"] if v["name"] == mount["name"]]
    assert volume["persistentVolumeClaim"]["claimName"] == EXCHANGE_CLAIM
    claims = {doc["metadata"]["name"]: doc for doc in doc_manifests() if doc.get("kind") == "PersistentVolumeClaim"}
    assert claims[EXCHANGE_CLAIM]["spec"]["accessModes"] == ["ReadWriteMany"]


def test_course_files_are_mounted_in_the_formgrader_container_only(values: dict[str, Any]) -> None:
    """The grader's volume (bank, source, submissions, feedback) is never mounted into a user pod or the hub itself."""
    hub_volumes = {v["name"]: v for v in values["hub"]["extraVolumes"]}
    grader_volumes = {name for name, v in hub_volumes.items()
                      if v.get("persistentVolumeClaim", {}).get("claimName") == GRADER_CLAIM}
    assert grader_volumes
    assert grader_volumes <= {m["name"] for m in grader_container(values)["volumeMounts"]}
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
    (init,) = [c for c in values["hub"]["initContainers"] if c["name"] == "prepare-trainingkit-volumes"]
    assert init["command"][:2] == ["sh", "-c"]
    volume = tmp_path / "srv"
    (volume / "exchange").mkdir(parents=True)
    script = "chown() { :; }; chmod() { :; }; " + init["command"][2].replace("/srv/trainingkit", str(volume))
    subprocess.run(["sh", "-c", script], env={"PATH": "/usr/bin:/bin"}, check=True)
    written = volume / "jupyter" / "grader"
    expected = tmp_path / "make-hub"
    write_role_config(expected, GRADER_VIEW, exchange=volume / "exchange", course_id=SERVICE)
    for name in ("jupyter_server_config.json", "labconfig/page_config.json"):
        assert json.loads((written / name).read_text()) == json.loads((expected / name).read_text()), name
    assert (written / "migrated").is_file()
    assert env_of(grader_container(values)["env"])["JUPYTER_CONFIG_DIR"] == "/srv/trainingkit/jupyter/grader"


def test_the_proxy_reaches_the_formgrader_at_the_service_url(values: dict[str, Any]) -> None:
    """The service URL, the hub Service's extra port, the container port and the network policy name one port."""
    hub = values["hub"]
    port = int(hub["services"][SERVICE]["url"].rsplit(":", 1)[1].strip("/"))
    (container_port,) = grader_container(values)["ports"]
    assert container_port["containerPort"] == port
    assert any(p["port"] == port and p["targetPort"] in (port, container_port["name"])
               for p in hub["service"]["extraPorts"])
    assert any(p["port"] == port for rule in hub["networkPolicy"]["ingress"] for p in rule["ports"])
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
             *GRADING_EXTENSIONS, "singleuser.extraFiles", EXCHANGE, "ReadWriteMany", EXCHANGE_CLAIM,
             "singleuser.storage.extraVolumes", "extraVolumeMounts", "ngshare", GRADER_CLAIM,
             "TRAININGKIT_DB_URL", "postgresql+psycopg2://", "secretKeyRef", "singleuser.extraEnv",
             "jupyterhub-idle-culler", "cull.enabled", "singleuser.memory", str(values["singleuser"]["memory"]["limit"]),
             values["hub"]["config"]["JupyterHub"]["authenticator_class"], "make hub"]
    assert [name for name in names if name not in text] == []
