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
