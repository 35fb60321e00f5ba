"""No trainee can listen to a classmate's kernel, on a real hub, as root (the shared session hub).

A kernel publishes everything it shows (printed text, widget states: a trainee's answers) on
its ZeroMQ ``iopub`` channel, signed but not encrypted. Over TCP on 127.0.0.1, as Jupyter
does by default, any account on the machine may connect to that port and read it. So the
attacker here, a trainee in their own kernel, subscribes to every TCP port that listens on
the machine while a classmate's kernel prints a secret; on the hub, kernels use Unix sockets
in their owner's private folder instead, and the attacker hears nothing of it.
"""

from __future__ import annotations

import json
import secrets
import threading

import pytest

from tests.hub.client import Hub

pytestmark = pytest.mark.hub

#: Subscribes to every TCP port listening on the machine (from /proc/net/tcp and tcp6, which
#: every account may read) for SECONDS, and prints how many it reached and what it heard.
LISTEN_TO_EVERY_PORT = """
import json, time, zmq
ports = set()
for table in ('/proc/net/tcp', '/proc/net/tcp6'):
    for line in open(table).read().splitlines()[1:]:
        fields = line.split()
        if fields[3] == '0A':  # listening
            ports.add(int(fields[1].rsplit(':', 1)[1], 16))
context = zmq.Context()
sockets = []
for port in sorted(ports):
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.SUBSCRIBE, b'')
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(f'tcp://127.0.0.1:{port}')
    sockets.append(socket)
poller = zmq.Poller()
for socket in sockets:
    poller.register(socket, zmq.POLLIN)
heard = b''
end = time.monotonic() + SECONDS
while time.monotonic() < end:
    for socket, _ in poller.poll(200):
        heard += b''.join(socket.recv_multipart(zmq.NOBLOCK))
context.destroy(linger=0)
print(json.dumps({'ports': len(ports), 'heard': heard.decode('utf-8', 'replace')}))
"""


def test_a_trainee_subscribing_to_every_port_hears_nothing_a_classmates_kernel_shows(hub: Hub) -> None:
    """While a classmate's kernel prints a secret for a while, a trainee who subscribes to every
    TCP port listening on the machine (the hub's, the servers', any kernel's) hears none of it."""
    attacker, victim = hub.user("trainee", 15), hub.user("trainee", 16)
    for person in (attacker, victim):
        person.make_token()
        person.start_server()
    secret = secrets.token_hex(8)
    victim_kernel, attacker_kernel = victim.kernel(), attacker.kernel()
    shown: list[tuple[str, str]] = []
    printing = threading.Thread(target=lambda: shown.append(victim_kernel.run(
        "import time\nfor _ in range(60):\n"
        f"    print({secret!r}, flush=True)\n    time.sleep(0.25)\n", timeout=120)))
    printing.start()
    try:
        printed, error = attacker_kernel.run(LISTEN_TO_EVERY_PORT.replace("SECONDS", "8"), timeout=120)
    finally:
        printing.join()
    assert error == "", error
    attack = json.loads(printed.strip().splitlines()[-1])
    assert shown and secret in shown[0][0], "the classmate's kernel did not print its secret"
    assert attack["ports"] > 0, "the attacker found no port to listen to: the attack did not run"
    assert secret not in attack["heard"]
