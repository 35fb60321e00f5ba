"""Benchmark: a class of 30 trainees on a real hub at once. Needs root.

Starts `trainingkit hub` for 30 trainee accounts (made for the run and removed after), then
in one run measures, against a baseline of one trainee alone on the same hub:

* **spawn**: all 30 log in and start their servers at once; seconds until all are ready
  (target: at most 60 s on 2 cores), and the ratio to one server starting alone;
* **saves**: each of the 30 kernels saves 20 answers at once (every kernel started and
  connected first, then all begin together), every save a click on one of 20 real question
  widgets (trainingkit's single-choice question, drawn in the kernel): the ipywidgets
  ``update`` JupyterLab sends over the kernel's one open websocket in its binary protocol,
  timed until the kernel is idle again (the answer is on disk); the 95th percentile of a
  save's round trip
  (target: at most 300 ms), its ratio to the same saves made by one trainee alone, and how
  many answers are missing from the answers files afterwards (target: 0); and, for
  comparison, the same saves made as code run in the notebook (an execute request each,
  which costs the kernel more than a click);
* **memory**: resident memory of each trainee's server and kernel (target: at most 220 MB),
  and its ratio to the one trainee's alone;
* **submit**: each of the 30 fetches the practice assignment with its answers in place, then
  all click Submit at once (the Assignments panel's own request to their server, which reads
  the answers as the trainee and sends them to the course service, then lists the
  assignments again, as the panel shows them); the 95th percentile of a submit's round trip
  (target: at most 2 s), its ratio to one trainee submitting alone, and how many
  submissions the course service does not hold afterwards (target: 0).

    sudo .venv/bin/python benchmarks/hub.py [--trainees 30] [--answers 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hub.client import Hub, HubUser, live_processes, roster_of, running_hub  # noqa: E402

SAVE = ("from trainingkit.answers import save_answer\n"
        "save_answer('answers.json', {question!r}, {value!r})")
#: Draws ``{answers}`` single-choice questions in the kernel and prints their radio buttons' comm ids.
QUESTIONS = ("import json, ipywidgets\n"
             "from trainingkit.questions import single_choice\n"
             "def radios(widget):\n"
             "    if isinstance(widget, ipywidgets.RadioButtons):\n"
             "        return [widget]\n"
             "    return [found for child in getattr(widget, 'children', ()) for found in radios(child)]\n"
             "questions = [single_choice(f'q-{{n:03d}}', question=f'Question {{n}}', folder='.',\n"
             "                           options={{'a': 'A', 'b': 'B', 'c': 'C', 'd': 'D'}}) for n in range({answers})]\n"
             "print(json.dumps([radios(q)[0].model_id for q in questions]))")


def _ready(hub: Hub, name: str) -> tuple[HubUser, float]:
    person = HubUser(hub.url, name)
    assert person.login(hub.passwords[name]).status_code == 302
    person.make_token()
    return person, person.start_server()


def _saves(person: HubUser, answers: int, start_together: threading.Barrier | None = None, *,
           clicks: bool = True) -> list[float]:
    """Each save a click on a question widget (``clicks``), or else code run in the notebook, sent
    over the notebook's one open websocket as JupyterLab sends it.

    With ``start_together``, the kernel is started and connected first (and the questions
    drawn), and the saves begin when every trainee's kernel is ready: the saves are timed, not
    the kernels starting.
    """
    seconds = []
    with ExitStack() as stack:
        try:
            channel = stack.enter_context(person.kernel().channel(timeout=120))
            folder = "bench" if clicks else "bench-code"
            printed, error = channel.run(f"import os; os.makedirs({folder!r}, exist_ok=True); os.chdir({folder!r})\n"
                                         + (QUESTIONS.format(answers=answers) if clicks else ""), timeout=120)
            if error:
                raise RuntimeError(f"{person.name}: {error}")
            radios = json.loads(printed) if clicks else []
        except BaseException:
            if start_together:
                start_together.abort()  # the others stop waiting: this error is the one to see
            raise
        if start_together:
            start_together.wait(timeout=300)
        for n in range(answers):
            start = time.perf_counter()
            if clicks:
                printed, error = channel.click(radios[n], {"index": n % 4})
            else:
                printed, error = channel.run(SAVE.format(question=f"q-{n:03d}", value="abcd"[n % 4]))
            seconds.append(time.perf_counter() - start)
            if error:
                raise RuntimeError(f"{person.name}: {error}")
    return seconds


def _missing(name: str, answers: int) -> int:
    from trainingkit.answers import read_answers

    saved = read_answers(Path(f"/home/{name}/bench/answers.json"))
    return sum(1 for n in range(answers) if f"q-{n:03d}" not in saved)


def _rss_mb(name: str) -> float:
    return sum(rss for _, _, rss in live_processes([name])) / 1e6


#: Where the CPU goes while the class saves, by what a process's command line names.
PARTS = (("proxy", "trainingkit.hub.proxy"), ("hub", "bin/jupyterhub "), ("servers", "jupyterhub-singleuser"),
         ("kernels", "ipykernel"))


def _cpu_by_part() -> dict[str, float]:
    """CPU seconds used so far by the hub's proxy, the hub, people's servers and kernels, and this client."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys([name for name, _ in PARTS] + ["client (this benchmark)"], 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_text().replace("\0", " ")
        except (FileNotFoundError, ProcessLookupError):
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(entry.name) == os.getpid():
            used["client (this benchmark)"] += seconds
        for name, marker in PARTS:
            if marker in command:
                used[name] += seconds
                break
    return used


ASSIGNMENT = "practice-foundations"


def _panel(person: HubUser, action: str) -> float:
    """One click on the Assignments panel's ``action`` button; the seconds until it answered."""
    from trainingkit.course import COURSE_ID

    start = time.perf_counter()
    response = person.server_page("POST", f"assignments/{action}",
                                  params={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
    seconds = time.perf_counter() - start
    body = response.json() if response.status_code == 200 else {}
    if response.status_code != 200 or body.get("success") is False:
        raise RuntimeError(f"{person.name}: {action} failed ({response.status_code}): {str(body)[:500]}")
    return seconds


def _ready_to_submit(person: HubUser) -> None:
    _panel(person, "fetch")
    printed, error = person.kernel().run(
        "import shutil; shutil.copy('bench/answers.json', "
        f"'trauma-recovery-coaching/{ASSIGNMENT}/answers.json'); print('ok')", timeout=120)
    if error:
        raise RuntimeError(f"{person.name}: {error}")


def _submissions(hub: Hub, name: str) -> int:
    from trainingkit.exchange.store import CourseStore

    return len(CourseStore(hub.layout.course.course_store).submissions(name, ASSIGNMENT))


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _class_saves(people: list[HubUser], answers: int, *, clicks: bool) -> list[float]:
    """Every trainee's saves, all begun together; says how long they took and where the CPU went."""
    together = threading.Barrier(len(people) + 1)
    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        saving = [pool.submit(_saves, p, answers, together, clicks=clicks) for p in people]
        try:
            together.wait(timeout=300)
        except threading.BrokenBarrierError:
            import faulthandler

            faulthandler.dump_traceback(all_threads=True)  # where each trainee's thread waits
            wait(saving)
            for person, future in zip(people, saving):  # the error that broke it, not the others' waits
                if future.exception() and not isinstance(future.exception(), threading.BrokenBarrierError):
                    raise RuntimeError(f"{person.name} could not start saving") from future.exception()
            raise
        before, start = _cpu_by_part(), time.perf_counter()
        saves = [s for future in saving for s in future.result()]
        elapsed, after = time.perf_counter() - start, _cpu_by_part()
    print(f"  {len(saves)} saves in {elapsed:.1f} s; CPU seconds used meanwhile: "
          + ", ".join(f"{name} {after[name] - before[name]:.1f}" for name in after), flush=True)
    return saves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--answers", type=int, default=20)
    arguments = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("benchmarks/hub.py makes OS accounts: run it as root")
    n = arguments.trainees
    roster = roster_of(f"tb{os.getpid() % 100000:05d}", trainee=n + 1)
    with tempfile.TemporaryDirectory() as scratch, running_hub(roster, Path(scratch)) as hub:
        try:
            _measure(hub, n, arguments.answers)
        except BaseException:
            kept = Path(tempfile.gettempdir()) / "benchmark-hub.log"
            shutil.copyfile(hub.log, kept)  # the hub's side of what went wrong, kept past the cleanup
            print(f"the hub's log is kept in {kept}", flush=True)
            raise


def _measure(hub: Hub, n: int, answers: int) -> None:
    """Every figure of the run, said as soon as it is measured."""
    say = print  # each figure as soon as it is measured
    say(f"{n} trainees on one hub, {os.cpu_count()} cores, {answers} saves each; "
        "baseline: one trainee alone on the same hub, in the same run", flush=True)
    alone_name, *class_names = hub.names("trainee")
    alone, alone_spawn = _ready(hub, alone_name)
    alone_saves = _saves(alone, answers)
    time.sleep(2)
    alone_rss = _rss_mb(alone_name)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        people = [person for person, _ in pool.map(lambda name: _ready(hub, name), class_names)]
    spawn_all = time.perf_counter() - start
    say(f"spawn: all {n} logged in and ready in {spawn_all:.1f} s (target <= 60); one alone "
        f"{alone_spawn:.1f} s; ratio {spawn_all / alone_spawn:.1f}", flush=True)

    class_saves = _class_saves(people, answers, clicks=True)
    say(f"save (a click on a question) round trip p95: {_p95(class_saves) * 1000:.0f} ms (target <= 300); "
        f"one alone {_p95(alone_saves) * 1000:.0f} ms; ratio {_p95(class_saves) / _p95(alone_saves):.1f}",
        flush=True)
    missing = sum(_missing(name, answers) for name in class_names)
    say(f"answers lost: {missing} of {n * answers} (target 0)", flush=True)
    time.sleep(2)
    rss = [_rss_mb(name) for name in class_names]
    say(f"memory per trainee (server + kernel): median {statistics.median(rss):.0f} MB, max {max(rss):.0f} MB "
        f"(target <= 220); one alone {alone_rss:.0f} MB; ratio {statistics.median(rss) / alone_rss:.2f}",
        flush=True)

    alone_code = _saves(alone, answers, clicks=False)
    class_code = _class_saves(people, answers, clicks=False)
    say(f"for comparison, each save as code run in the notebook: p95 {_p95(class_code) * 1000:.0f} ms; one alone "
        f"{_p95(alone_code) * 1000:.0f} ms; ratio {_p95(class_code) / _p95(alone_code):.1f}", flush=True)

    for person in (alone, *people):
        _ready_to_submit(person)
    alone_submit = _panel(alone, "submit")
    time.sleep(2.5)  # the service takes one submission per person every 2 s
    with ThreadPoolExecutor(max_workers=n) as pool:
        submits = list(pool.map(lambda p: _panel(p, "submit"), people))
    lost = sum(1 for name in class_names if _submissions(hub, name) != 1)
    say(f"submit round trip p95: {_p95(submits):.2f} s (target <= 2); one alone {alone_submit:.2f} s; "
        f"ratio {_p95(submits) / alone_submit:.1f}", flush=True)
    say(f"submissions lost: {lost} of {n} (target 0)", flush=True)
    if missing or lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
