"""A TCP listener on 127.0.0.1 that records every connection: the target of SSRF tests.

A test that must cause no outbound request asserts ``listener.contacted == 0``.
"""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.contacted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self.contacted += 1
            connection.close()

    def settle(self) -> int:
        """The count once connections in flight have been accepted."""
        time.sleep(0.3)
        return self.contacted

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()
