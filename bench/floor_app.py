"""Two bare ASGI apps that show how fast a Python SPARQL server can be here.

``bench_sparql.py --floor`` runs them under uvicorn (uvloop, httptools) next to
budgetkg and the Oxigraph server:

* ``constant``: answers every request with the same small SPARQL JSON body, no
  query at all: the cost of uvicorn and the HTTP round trip alone;
* ``pyoxigraph``: reads ``query`` from the URL, evaluates it with pyoxigraph on
  the union default graph and answers SPARQL JSON, in the event loop, with no
  protocol checks, negotiation, row cap or timeout: the least any server built
  on uvicorn and pyoxigraph can spend.

budgetkg's own cost is the distance from ``pyoxigraph`` to ``budgetkg``.

    python bench/floor_app.py constant|pyoxigraph STORE_DIR PORT
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import pyoxigraph as ox
import uvicorn

if TYPE_CHECKING:  # types only: the floor imports nothing it does not run
    from starlette.types import ASGIApp, Receive, Scope, Send

CONSTANT = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}'
HEADERS = [(b"content-type", b"application/sparql-results+json")]


def make_app(kind: str, store_dir: str) -> ASGIApp:
    store = ox.Store.read_only(store_dir)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        if kind == "constant":
            body = CONSTANT
        else:
            query = dict(parse_qsl(scope["query_string"].decode()))["query"]
            result = store.query(query, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryTriples):
                raise ValueError("the floor app answers SELECT and ASK queries only")
            written = result.serialize(format=ox.QueryResultsFormat.JSON)
            if written is None:  # serialize returns the bytes when it is given no output
                raise RuntimeError("pyoxigraph's serialize returned no bytes")
            body = written
        await send({"type": "http.response.start", "status": 200, "headers": [*HEADERS, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    kind, store_dir, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    uvicorn.run(make_app(kind, store_dir), host="127.0.0.1", port=port, loop="auto", http="auto", log_level="warning", access_log=False, server_header=False)


if __name__ == "__main__":
    main()
