"""The serving process cannot open internet sockets: outbound requests fail by construction."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from api.sandbox import SandboxUnavailable, forbid_internet_sockets  # noqa: F401  (imported for the skip below)
from conftest import REPO, free_port
from listener import Listener

try:
    import platform

    SUPPORTED = platform.system() == "Linux" and platform.machine() in ("x86_64", "aarch64")
except Exception:  # pragma: no cover
    SUPPORTED = False

pytestmark = pytest.mark.skipif(not SUPPORTED, reason="seccomp filter is written for Linux x86-64 and AArch64")

IN_SANDBOX = r"""
import socket, subprocess, sys
import pyoxigraph as ox
from api.sandbox import forbid_internet_sockets

url = sys.argv[1]
forbid_internet_sockets()
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2)
    print("connected")
except PermissionError:
    print("socket refused")
try:
    list(ox.Store().query("SELECT * { SERVICE <%s> { ?s ?p ?o } }" % url))
except OSError as error:
    print("service failed:", error)
left, right = socket.socketpair()
left.send(b"ok")
print("socketpair", right.recv(2).decode())

# A process started afterwards (as query workers are: fork + exec) inherits the filter.
child = subprocess.run([sys.executable, "-c", "import socket; socket.socket(socket.AF_INET6)"], capture_output=True, text=True)
print("child refused" if "PermissionError" in child.stderr else "child connected")
"""


def test_no_internet_socket_after_the_filter_in_any_thread_or_child():
    listener = Listener()
    try:
        done = subprocess.run(
            [sys.executable, "-c", IN_SANDBOX, listener.url, str(listener.port)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "socket refused"
        assert lines[1].startswith("service failed:") and "Permission denied" in lines[1]
        assert lines[2] == "socketpair ok"  # query workers talk over Unix socket pairs
        assert lines[3] == "child refused"
        assert listener.settle() == 0
    finally:
        listener.close()


def test_budgetkg_serve_reaches_nobody_and_still_answers(tmp_path):
    from kg.store import OxigraphStore

    store = OxigraphStore(tmp_path / "store")  # serve refuses a path that holds no store
    store.flush()
    del store
    listener = Listener()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))", "serve", "--store", str(tmp_path / "store"), "--port", str(port), "--update-token", "k"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.time() < deadline and server.poll() is None, "budgetkg serve did not start"
            time.sleep(0.3)
        auth = {"authorization": "Bearer k"}
        assert httpx.post(f"{base}/update", data={"update": 'INSERT DATA { GRAPH <http://g/> { <http://s/> <http://p/> "o" } }'}, headers=auth).status_code == 204
        query = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        assert httpx.get(f"{base}/sparql", params={"query": query}).status_code == 400
        assert httpx.post(f"{base}/update", data={"update": f"LOAD <{listener.url}>"}, headers=auth).status_code == 400
        answer = httpx.get(f"{base}/sparql", params={"query": "SELECT ?o { GRAPH ?g { ?s ?p ?o } }", "format": "csv"})
        assert answer.status_code == 200 and answer.text.split() == ["o", "o"]
        assert listener.settle() == 0
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        listener.close()
    assert "refused by parsing requests only" not in output  # the filter was installed
