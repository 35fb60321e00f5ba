"""trainingkit.hub.proxy: the hub's proxy tells the browser which websocket subprotocol the server chose."""

from __future__ import annotations

from types import SimpleNamespace

from configurable_http_proxy.handlers import ProxyHandler

from tests.hub.client import KERNEL_PROTOCOL
from trainingkit.hub.proxy import relay_to_server, server_choice


def _handler(chosen: str | None) -> SimpleNamespace:
    return SimpleNamespace(ws_client=SimpleNamespace(selected_subprotocol=chosen))


def test_the_browser_is_told_the_protocol_the_server_chose() -> None:
    """When the server picked JupyterLab's binary protocol, the browser's handshake names it too."""
    assert server_choice(_handler(KERNEL_PROTOCOL), [KERNEL_PROTOCOL]) == KERNEL_PROTOCOL


def test_no_protocol_is_named_when_the_server_chose_none_or_one_the_browser_did_not_offer() -> None:
    """The answer is always one the browser offered, or none (no upstream connection: none)."""
    assert server_choice(_handler(None), [KERNEL_PROTOCOL]) is None
    assert server_choice(_handler("other"), [KERNEL_PROTOCOL]) is None
    assert server_choice(SimpleNamespace(ws_client=None), [KERNEL_PROTOCOL]) is None


def test_the_proxys_websocket_handler_answers_with_the_servers_choice() -> None:
    """Running the module puts the choice into configurable-http-proxy's handler."""
    assert ProxyHandler.select_subprotocol is server_choice


class _Upstream:
    """The proxy's connection to a person's server: records what would be sent and how."""

    def __init__(self) -> None:
        self.sent: list[tuple[str | bytes, bool]] = []

    def write_message(self, message: str | bytes, binary: bool = False) -> None:
        self.sent.append((message, binary))


def test_a_binary_message_from_the_browser_reaches_the_server_binary_and_counts_as_activity() -> None:
    """JupyterLab's binary frames stay binary on the way to the server; text stays text."""
    activity: list[str] = []
    upstream = _Upstream()
    handler = SimpleNamespace(ws_client=upstream, target={"prefix": "/user/ada/"},
                              proxy=SimpleNamespace(update_last_activity=activity.append))
    relay_to_server(handler, b"\x05\x00binary")
    relay_to_server(handler, '{"header": {}}')
    assert upstream.sent == [(b"\x05\x00binary", True), ('{"header": {}}', False)]
    assert activity == ["/user/ada/", "/user/ada/"]
    assert ProxyHandler.on_message is relay_to_server


def test_the_proxy_forwards_twenty_slow_requests_at_once(tmp_path) -> None:
    """Twenty requests that each wait for all twenty to arrive all get through: the proxy does not hold
    any in tornado's queue of ten (one person's slow requests would otherwise hold back everyone's)."""
    import os
    import socket
    import subprocess
    import sys
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import requests

    together = threading.Barrier(20)

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            try:
                together.wait(timeout=30)
                status = 200
            except threading.BrokenBarrierError:
                status = 500
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    def free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    backend = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port, api_port = free_port(), free_port()
    proxy = subprocess.Popen([sys.executable, "-m", "trainingkit.hub.proxy", "--ip", "127.0.0.1", "--port", str(port),
                              "--api-port", str(api_port), "--default-target",
                              f"http://127.0.0.1:{backend.server_address[1]}"],
                             env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": "test"}, cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def ready() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{api_port}/api/routes", timeout=2,
                                    headers={"Authorization": "token test"}).status_code == 200
            except requests.ConnectionError:
                return False
        for _ in range(300):
            if ready():
                break
            threading.Event().wait(0.1)
        with ThreadPoolExecutor(max_workers=20) as pool:
            codes = list(pool.map(lambda n: requests.get(f"http://127.0.0.1:{port}/user/p{n}/", timeout=60).status_code,
                                  range(20)))
        assert codes == [200] * 20
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
        backend.shutdown()
        backend.server_close()
