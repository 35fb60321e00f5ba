"""A person using the hub over HTTP, as a browser would: log in, start a server, run code.

Used by the hub tests and ``benchmarks/hub.py``. Code runs in the person's own kernel
through the server's REST and websocket API, exactly as JupyterLab sends it.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

import requests


@dataclass
class HubUser:
    """One person's session with the hub at ``url``."""

    url: str
    name: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""

    def __post_init__(self) -> None:
        self.session.trust_env = False  # never through a proxy

    def login(self, password: str) -> requests.Response:
        """Log in through the hub's login form; returns the final response."""
        self.session.get(f"{self.url}/hub/login", timeout=30)
        xsrf = self.session.cookies.get("_xsrf", "")
        return self.session.post(f"{self.url}/hub/login?next=", timeout=60, allow_redirects=False,
                                 data={"username": self.name, "password": password, "_xsrf": xsrf})

    def make_token(self) -> str:
        xsrf = self.session.cookies.get("_xsrf", "")
        response = self.session.post(f"{self.url}/hub/api/users/{self.name}/tokens", timeout=30,
                                     headers={"X-XSRFToken": xsrf}, json={"note": "test", "expires_in": 3600})
        response.raise_for_status()
        self.token = response.json()["token"]
        return self.token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def start_server(self, timeout: float = 120) -> float:
        """Start this person's server and wait until it is ready; returns the seconds it took."""
        start = time.monotonic()
        response = requests.post(f"{self.url}/hub/api/users/{self.name}/server", headers=self.headers, timeout=60)
        if response.status_code not in (201, 202, 400):  # 400: already running
            response.raise_for_status()
        while time.monotonic() - start < timeout:
            model = requests.get(f"{self.url}/hub/api/users/{self.name}", headers=self.headers, timeout=30).json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - start
            time.sleep(0.25)
        raise TimeoutError(f"{self.name}'s server was not ready within {timeout} s")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/user/{self.name}/api/{path}", headers=self.headers,
                                timeout=60, **kwargs)

    def kernel(self) -> "Kernel":
        response = self.api("POST", "kernels", json={"name": "python3"})
        response.raise_for_status()
        return Kernel(self, response.json()["id"])


@dataclass
class Kernel:
    """A kernel in a person's server, driven over the websocket JupyterLab uses."""

    user: HubUser
    id: str

    def run(self, code: str, timeout: float = 60) -> tuple[str, str]:
        """Run ``code``; returns what it printed and the error it raised (name: value), if any."""
        import websocket

        address = self.user.url.replace("http://", "ws://")
        socket = websocket.create_connection(
            f"{address}/user/{self.user.name}/api/kernels/{self.id}/channels",
            header=[f"Authorization: token {self.user.token}"], timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            socket.send(json.dumps({
                "header": {"msg_id": msg_id, "username": self.user.name, "session": uuid.uuid4().hex,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            printed, error = [], ""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                message = json.loads(socket.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    printed.append(message["content"]["text"])
                elif kind == "error":
                    error = f"{message['content']['ename']}: {message['content']['evalue']}"
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    return "".join(printed), error
            raise TimeoutError(f"no answer from {self.user.name}'s kernel within {timeout} s")
        finally:
            socket.close()
