"""The hub's proxy: PyPI's configurable-http-proxy with its websockets fixed for JupyterLab.

configurable-http-proxy 0.4 forwards the browser's ``Sec-WebSocket-Protocol`` to the
person's server, which chooses JupyterLab's binary kernel protocol
(``v1.kernel.websocket.jupyter.org``), but

* it never tells the browser that choice, so Chrome fails the handshake ("Sent non-empty
  'Sec-WebSocket-Protocol' header but no response was received"): every notebook's first
  kernel connection failed, and JupyterLab reconnected with the slower JSON protocol;
* it passes the browser's binary messages on to the server as text, which the binary
  protocol cannot read.

The proxy connects to the server before it answers the browser, so it can answer with the
server's own choice (:func:`server_choice`), and it relays each message as the kind it came
as (:func:`relay_to_server`).

And it forwards more than ten requests at once: tornado's HTTP client queues every request past
its ``max_clients`` (10 by default), so ten slow ones (kernels starting, spawn progress streams
held open while servers start) held every other person's clicks in a queue
(:data:`MAX_FORWARDED`).

Run as ``python -m trainingkit.hub.proxy`` with configurable-http-proxy's options.
"""

from __future__ import annotations

from collections.abc import Sequence

from configurable_http_proxy.cli import main
from configurable_http_proxy.handlers import ProxyHandler
from tornado.httpclient import AsyncHTTPClient

#: Requests the proxy forwards at once (a class of hundreds, each with a few in flight).
MAX_FORWARDED = 1000


def server_choice(handler: ProxyHandler, offered: Sequence[str]) -> str | None:
    """The subprotocol the person's server chose, if the browser offered it; else none."""
    upstream = getattr(handler, "ws_client", None)
    chosen = getattr(upstream, "selected_subprotocol", None)
    return chosen if chosen in offered else None


def relay_to_server(handler: ProxyHandler, message: str | bytes) -> None:
    """Pass one message from the browser to the server, binary if it came binary (as the
    proxy already does the other way), noting the activity as configurable-http-proxy does."""
    if handler.ws_client:
        prefix = handler.target["prefix"] if handler.target else ""
        if prefix:
            handler.proxy.update_last_activity(prefix)
        handler.ws_client.write_message(message, binary=isinstance(message, bytes))


ProxyHandler.select_subprotocol = server_choice
ProxyHandler.on_message = relay_to_server
AsyncHTTPClient.configure(None, max_clients=MAX_FORWARDED)

if __name__ == "__main__":
    main()
