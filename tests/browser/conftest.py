"""A real JupyterLab and Debian's chromium, driven by Playwright, for the browser tests.

One JupyterLab per session runs on 127.0.0.1 with a random port and token over a built
copy of the course, with its own home, settings, exchange and gradebook; it is stopped by
its process id. The browser reaches nothing but that server, and every step's screenshot
is kept in ``test-artifacts/browser/``. Without ``/usr/bin/chromium`` every test here skips.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import PROJECT, copy_course
from trainingkit.answers import AnswerValue
from trainingkit.bank.model import Kind, Vignette
from trainingkit.build import build
from trainingkit.course import Course
from trainingkit.lab import lab_command, prepare_workbook, release_all, write_jupyter_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
HOW_TO_ENABLE = ("apt-get install -y chromium chromium-driver, then pip install -e '.[test]' "
                 "(as .ci/run does)")
ARTIFACTS = PROJECT / "test-artifacts" / "browser"
NODE_PACKAGES = PROJECT / ".cache" / "node"
AXE = NODE_PACKAGES / "node_modules" / "axe-core" / "axe.min.js"
ASSIGNMENT = "practice-foundations"
#: The open notebook (JupyterLab hides the others with ``lm-mod-hidden``).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = "Python 3 (ipykernel) | Idle"
#: Lab settings for the tests on top of the workbook's own: never ask the internet for updates.
TEST_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def _unavailable() -> str:
    if not CHROMIUM.exists():
        return f"browser tests need Debian's chromium at {CHROMIUM}; to run them: {HOW_TO_ENABLE}"
    if importlib.util.find_spec("playwright") is None:
        return f"browser tests need the playwright package; to run them: {HOW_TO_ENABLE}"
    return ""


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip every test here when the browser is missing: one reason, so pytest reports one line."""
    reason = _unavailable()
    if reason:
        pytest.skip(reason)


@dataclass
class Lab:
    """A running JupyterLab over a built, released copy of the course."""

    url: str
    token: str
    course: Course
    root: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    @property
    def exchange(self) -> Path:
        return Path(self.env["TRAININGKIT_EXCHANGE"])

    def address(self, workspace: str, path: str = "") -> str:
        """The URL that opens ``path`` (a notebook, or nothing) in a workspace of its own.

        A named workspace keeps each test's open tabs apart and survives a reload; ``?reset``
        would not do: JupyterLab keeps it in the address and resets again on the next link.
        """
        tree = f"/tree/{quote(path)}" if path else ""
        return f"{self.url}/lab/workspaces/{workspace}{tree}?token={self.token}"

    def supervisor(self, *args: str) -> str:
        """Run an nbgrader command in the course's coursework folder, as a supervisor does."""
        process = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.course.coursework,
                                 env=self.env, capture_output=True, text=True, timeout=300)
        assert process.returncode == 0, f"nbgrader {args} failed:\n{process.stdout}\n{process.stderr}"
        return process.stdout + process.stderr

    def copy_notebook(self, source: Path, folder: str) -> str:
        """Put a fresh copy of a notebook in its own folder (its own answers file); return its path."""
        target = self.course.root / folder / source.name
        target.parent.mkdir(parents=True)
        shutil.copy2(source, target)
        return f"{folder}/{source.name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(url: str, token: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with direct.open(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer /api/status within 90 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 over a built, released copy of the course, stopped with SIGTERM."""
    root = tmp_path_factory.mktemp("browser")
    (ARTIFACTS / "blocked-requests.txt").unlink(missing_ok=True)
    course = copy_course(root)
    for folder in ("home", "runtime"):
        (root / folder).mkdir()
    base = {name: value for name, value in os.environ.items()
            if not name.startswith(("TRAININGKIT_", "JUPYTER", "NBGRADER_"))}
    scripts = str(Path(sys.executable).parent)
    base.update({"HOME": str(root / "home"), "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
                 "TRAININGKIT_EXCHANGE": str(root / "exchange"),
                 "PATH": os.pathsep.join([scripts, base.get("PATH", "")])})
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name not in base]:
            patch.delenv(name)
        for name, value in base.items():
            patch.setenv(name, value)
        build(course, only=(ASSIGNMENT,))
        env = {**base, **write_jupyter_config(course, root / "jupyter")}
        release_all(course)
        prepare_workbook(course)
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    for name, values in TEST_SETTINGS.items():
        (settings / name).write_text(json.dumps(values))
    token = secrets.token_hex(16)
    port = _free_port()
    log = root / "jupyterlab.log"
    command = [*lab_command(course, port=port, token=token, open_browser=False),
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=course.root, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, token, process, log)
        yield Lab(url, token, course, root, env, process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def new_page(browser, lab: Lab):
    """A page in a fresh browser profile that reaches only the test's JupyterLab."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    context.set_default_timeout(60_000)
    local = lab.url + "/"

    def block(route) -> None:  # listed in test-artifacts/browser/blocked-requests.txt
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with (ARTIFACTS / "blocked-requests.txt").open("a") as blocked:
            blocked.write(route.request.url + "\n")
        route.abort()

    context.route(lambda url: not url.startswith(local) and not url.startswith(("blob:", "data:", "about:")), block)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave the page?" on a reload: yes
    return page


@pytest.fixture(scope="module")
def page(browser, lab: Lab) -> Iterator[object]:
    """One page for a test module: a person working through its steps in order."""
    page = new_page(browser, lab)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from npm, installed into .cache/node by tests/browser/install-node-packages."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("the accessibility tests need Node.js and npm (apt-get install -y nodejs npm) for axe-core")
    subprocess.run(["bash", str(Path(__file__).with_name("install-node-packages"))], check=True, timeout=300)
    return AXE


# Steps a person takes, shared by the test modules.

def shot(page, name: str) -> None:
    """Keep a screenshot of this step in test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def menu(page, top: str, item: str) -> None:
    """Choose ``top ▸ item`` in JupyterLab's menu bar with the mouse."""
    page.get_by_role("menuitem", name=top, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def open_notebook(page, lab: Lab, workspace: str, path: str) -> None:
    """Open a notebook by its address in its own workspace and wait for its kernel."""
    page.goto(lab.address(workspace, path))
    page.get_by_text(IDLE).wait_for()


def questions(page):
    return page.locator(f"{NOTEBOOK} .tk-question")


def wait_for_questions(page, expected: int) -> None:
    """Wait, doing nothing, until the open notebook has drawn its ``expected`` questions."""
    ready = page.locator(f"{NOTEBOOK} .tk-question[data-tk-ready]")
    ready.nth(expected - 1).wait_for(state="attached")
    page.get_by_text(IDLE).wait_for()
    assert questions(page).count() == expected


#: Counts the notebook's code cells, failing if any shows code, a prompt, a "•••" placeholder
#: or a collapser bar to the trainee (checked on computed visibility, not on classes).
HIDDEN_CODE = """(cells) => {
    const parts = ".jp-InputArea, .jp-InputPrompt, .jp-InputPlaceholder, .jp-Collapser, .jp-OutputPrompt";
    const shown = [];
    for (const cell of cells) {
        for (const part of cell.querySelectorAll(parts)) {
            const prompt = part.classList.contains("jp-OutputPrompt");
            if (part.checkVisibility({visibilityProperty: true}) && (!prompt || part.textContent.trim())) {
                shown.push(part.className + " :: " + part.textContent.slice(0, 80));
            }
        }
    }
    return {cells: cells.length, shown};
}"""


def hidden_code(page) -> int:
    """How many code cells the open notebook has; asserts that none of them shows code."""
    found = page.locator(f"{NOTEBOOK} .jp-CodeCell").evaluate_all(HIDDEN_CODE)
    assert found["shown"] == [], found["shown"]
    return found["cells"]


def question(page, question_id: str):
    return page.locator(f"{NOTEBOOK} .tk-id-{question_id}")


def option_label(key: str, text: str) -> str:
    return f"{key.upper()}) {text}"


def click_option(box, key: str, text: str) -> None:
    """Click an option's words, as a person does (radio button or check box)."""
    box.locator("label", has_text=option_label(key, text)).last.click()


def wait_saved(box) -> None:
    box.locator(".tk-status", has_text="Saved at").wait_for()


def answer_vignette(page, vignette: Vignette, answer: AnswerValue | None = None) -> AnswerValue:
    """Answer one vignette of the open notebook as a person does, wait until it says "Saved at", and
    return the answer given.

    A scenario folded behind a content note is opened first ("Show the scenario"). A choice is given
    by clicking the words of each option in ``answer`` (an option's id, or a list of them; by default
    the vignette's key); a reflection by clicking into its box and typing ``answer``, which it needs.
    """
    if vignette.content_notes:
        page.locator(f"{NOTEBOOK} .jp-MarkdownCell", has=page.locator("h2", has_text=vignette.title)
                     ).locator("summary", has_text="Show the scenario").click()
    box = question(page, vignette.id)
    if vignette.kind is Kind.REFLECTION:
        assert isinstance(answer, str), f"{vignette.id} is a reflection: give the text to type"
        box.locator("textarea").click()
        page.keyboard.type(answer)
    else:
        if answer is None:
            keys = sorted(vignette.key)
            answer = keys[0] if vignette.kind is Kind.SINGLE else keys
        for key in [answer] if isinstance(answer, str) else answer:
            click_option(box, key, vignette.option(key).text)
    wait_saved(box)
    return answer


def wait_for_answers(folder: Path, expected: dict, timeout: float = 30) -> None:
    """Wait until the answers file beside a notebook holds ``expected`` (saves land one by one)."""
    from trainingkit.answers import AnswersFileError, read_answers

    deadline = time.monotonic() + timeout
    saved: dict = {}
    while time.monotonic() < deadline:
        try:
            saved = {key: answer.value for key, answer in read_answers(folder / "answers.json").items()}
        except (AnswersFileError, OSError):
            saved = {}
        if all(saved.get(key) == value for key, value in expected.items()):
            return
        time.sleep(0.2)
    raise AssertionError(f"answers file in {folder} holds {saved}, expected {expected}")


def assignments_panel(page) -> None:
    """Open nbgrader's Assignments panel from the Nbgrader menu and wait for its lists."""
    menu(page, "Nbgrader", "Assignment List")
    page.locator("#released_assignments_list_loading").wait_for(state="hidden")
    page.locator("#submitted_assignments_list_loading").wait_for(state="hidden")


def read_panel(page, list_id: str = "submitted") -> None:
    """Redraw the Assignments panel and wait until trainingkit's extension has read the listing for its rows."""
    assignments_panel(page)
    page.locator("#refresh_assignments_list").click()
    page.locator(f"#{list_id}_assignments_list_loading").wait_for(state="hidden")
    page.locator(f"#{list_id}_assignments_list > .list_item[data-tk-panel='done']").first.wait_for(state="attached")


#: axe-core's rules for WCAG 2.2 level AA (2.2's own, such as target-size, are off by default).
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, axe: Path, include: list[str], exclude: list[str] = (),
                   tags: list[str] = ()) -> list[dict]:
    """axe-core's serious and critical violations within ``include`` (CSS selectors).

    ``tags`` runs only the rules carrying them (for instance :data:`WCAG22_AA`); none runs
    axe's default set. The run is started, then waited for with a timeout, so a page that
    cannot run it fails the test instead of hanging it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe))
    page.evaluate("""([include, exclude, tags]) => {
        window.trainingkitAxe = null;
        const context = {include: include.map((s) => [s]), exclude: exclude.map((s) => [s])};
        const options = {resultTypes: ["violations"]};
        if (tags.length) { options.runOnly = {type: "tag", values: tags}; }
        axe.run(context, options).then(
            (result) => { window.trainingkitAxe = result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.html.slice(0, 200))})); },
            (error) => { window.trainingkitAxe = [{id: "axe-error", impact: "critical", help: String(error), nodes: []}]; });
    }""", [include, list(exclude), list(tags)])
    found = page.wait_for_function("() => window.trainingkitAxe", timeout=90_000).json_value()
    return [violation for violation in found if violation["impact"] in ("serious", "critical")]


def open_returned_feedback(page):
    """Fetch the returned feedback in the Assignments panel, open it, and return its frame."""
    assignments_panel(page)
    page.locator("#refresh_assignments_list").click()
    page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").click()
    page.locator("#submitted_assignments_list a", has_text="view feedback").click()  # opens the letter itself
    frame = page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe")
    frame.locator(".tk-summary").wait_for()
    return frame


def formgrader_button(page, row, column: str) -> None:
    """Press a formgrader button in ``row`` (a table row's locator, or text the row holds); its dialog must
    report success."""
    if isinstance(row, str):
        row = page.locator("#main-table tr", has_text=row)
    row.locator(f"td.{column} a").click()
    modal = page.locator(".modal", has=page.locator(".modal-title"))
    modal.locator(".modal-title").wait_for()
    text = modal.inner_text()
    assert "Successfully" in text, text
    modal.get_by_role("button", name="Close").last.click()
    modal.wait_for(state="detached")
