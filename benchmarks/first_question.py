"""Benchmark: how long a trainee waits, after opening lesson 00, for its first question.

Starts two JupyterLabs over one copy of the course, alike but for trainingkit's autorun
extension, which one of them has switched off; then, in Debian's chromium driven by
Playwright, opens lesson 00 in turn in each (a fresh copy of the lesson, a fresh browser
profile and a fresh kernel every trial) and times, from the moment the address is asked for:

* **opened**: the lesson's title is on screen (the notebook has opened);
* **question**: its first knowledge check is drawn and ready for an answer.

The two ways of getting there:

* **autorun** (now): nothing; the extension runs the widget cells as the lesson opens;
* **run all** (the baseline, the old way): wait until the kernel is idle, then choose
  Run ▸ Run All Cells at once, as the quickest trainee would.

Prints the medians, the wait after opening (target: at most 2 s with autorun) and the ratio of
the baseline's time to autorun's.

    .venv/bin/python benchmarks/first_question.py [--trials 5]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM, CHROMIUM_ARGS, IDLE, NOTEBOOK, TEST_SETTINGS, _free_port, _wait_until_ready, menu,
)
from tests.conftest import copy_course  # noqa: E402
from trainingkit.course import Course  # noqa: E402
from trainingkit.hub.roles import AUTORUN_PLUGIN  # noqa: E402
from trainingkit.lab import lab_command, write_jupyter_config  # noqa: E402

LESSON = "00-welcome.ipynb"
FIRST_QUESTION = f"{NOTEBOOK} .tk-question[data-tk-ready]"


@dataclass
class Lab:
    url: str
    token: str

    def address(self, path: str) -> str:
        return f"{self.url}/lab/workspaces/{Path(path).parent.name}/tree/{path}?token={self.token}"

    def shut_down_kernels(self) -> None:
        """End every kernel the trials started, so each trial starts one on a quiet machine."""
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        headers = {"Authorization": f"token {self.token}"}
        with direct.open(urllib.request.Request(f"{self.url}/api/sessions", headers=headers)) as answer:
            sessions = json.load(answer)
        for session in sessions:
            direct.open(urllib.request.Request(f"{self.url}/api/sessions/{session['id']}", headers=headers,
                                               method="DELETE")).close()


@contextmanager
def running_lab(course: Course, root: Path, *, autorun: bool):
    """A JupyterLab over ``course`` with its own settings; autorun switched off if asked."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("JUPYTER", "TRAININGKIT_"))}
    runtime = root / "runtime"
    runtime.mkdir(exist_ok=True)
    env.update(write_jupyter_config(course, root / "jupyter"), JUPYTER_RUNTIME_DIR=str(runtime),
               HOME=str(root / "home"), PATH=os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]]))
    for name, values in TEST_SETTINGS.items():
        (Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name).write_text(json.dumps(values))
    if not autorun:
        page_config = root / "jupyter" / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(json.dumps({"disabledExtensions": {AUTORUN_PLUGIN: True}}))
    token, port = secrets.token_hex(16), _free_port()
    log = root / "jupyterlab.log"
    command = [*lab_command(course, port=port, token=token, open_browser=False),
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=course.root, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_ready(url, token, process, log)
        yield Lab(url, token)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def trial(browser, lab: Lab, course: Course, folder: str, *, autorun: bool) -> tuple[float, float]:
    """Open a fresh copy of lesson 00; seconds until it shows its title, and until its first question."""
    target = course.root / folder / LESSON
    target.parent.mkdir()
    shutil.copy2(course.notebooks_dir / LESSON, target)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)
    page = context.new_page()
    try:
        start = time.monotonic()
        page.goto(lab.address(f"{folder}/{LESSON}"), wait_until="commit")
        page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown h1").first.wait_for()
        opened = time.monotonic() - start
        if not autorun:
            page.get_by_text(IDLE).wait_for()
            menu(page, "Run", "Run All Cells")
        page.locator(FIRST_QUESTION).first.wait_for()
        return opened, time.monotonic() - start
    finally:
        context.close()
        lab.shut_down_kernels()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=5)
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tk-first-question-") as scratch, ExitStack() as stack:
        root = Path(scratch)
        course = copy_course(root)
        labs = {}
        for way, autorun in (("autorun", True), ("run all", False)):
            (root / way.replace(" ", "-")).mkdir()
            labs[way] = stack.enter_context(running_lab(course, root / way.replace(" ", "-"), autorun=autorun))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        times: dict[str, list[tuple[float, float]]] = {way: [] for way in labs}
        trial(browser, labs["autorun"], course, "warm-up", autorun=True)  # the browser's first start
        for number in range(arguments.trials):
            for way, lab in labs.items():
                times[way].append(trial(browser, lab, course, f"{way.replace(' ', '-')}-{number}",
                                        autorun=way == "autorun"))
        print(f"lesson 00 in chromium, {arguments.trials} trials each, medians in seconds from asking for the page")
        print(f"{'way':<10} {'opened':>8} {'question':>9} {'after opening':>14}")
        median = {}
        for way, rows in times.items():
            opened = statistics.median(row[0] for row in rows)
            question = statistics.median(row[1] for row in rows)
            waited = statistics.median(row[1] - row[0] for row in rows)
            median[way] = question
            print(f"{way:<10} {opened:>8.2f} {question:>9.2f} {waited:>14.2f}")
        waited = statistics.median(row[1] - row[0] for row in times["autorun"])
        print(f"first question after the lesson opens with autorun: {waited:.2f} s (target: at most 2 s): "
              f"{'met' if waited <= 2 else 'NOT met'}")
        print(f"ratio, run all / autorun, time to first question: {median['run all'] / median['autorun']:.2f}")


if __name__ == "__main__":
    main()
