"""A remote SPARQL 1.1 store behind the ``GraphStore`` interface.

``RemoteStore`` talks to any server that speaks the SPARQL 1.1 Protocol (query
and update) and the SPARQL 1.1 Graph Store HTTP Protocol (GSP): Oxigraph server,
Virtuoso, GraphDB, Amazon Neptune, Fuseki …  Results come back as the same
pyoxigraph objects the embedded store returns, so callers need not care which
store they have::

    store = RemoteStore("http://127.0.0.1:7878")          # Oxigraph server defaults
    for row in store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"):
        print(row["s"].value)

How each method maps onto the protocols:

- ``replace_graph`` PUTs the document's graph as N-Triples to the GSP endpoint
  (the server replaces that graph atomically), after adding ``also_insert``
  quads to their graphs with one SPARQL ``INSERT DATA``. These are two requests,
  not one transaction: see docs/remote-store.md.
- ``query`` POSTs the query (form-encoded) and parses SPARQL JSON/XML results
  with ``pyoxigraph.parse_query_results`` and RDF with ``pyoxigraph.parse``.
- The embedded store queries the union of the named graphs as its default graph.
  Remote stores differ: by default the Oxigraph server parameter
  ``union-default-graph`` is sent with each query that names no graphs; give
  ``union_default_graph_param=None`` for a store whose default graph already is
  the union (Virtuoso, GraphDB, Oxigraph started with ``--union-default-graph``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Mapping, Sequence, TypedDict, Unpack
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from kg.oxigraph_bytes import written
from kg.store import StoreError

SPARQL_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # older servers (Virtuoso) label N-Triples so
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}

FORM = "application/x-www-form-urlencoded"

# Accept headers by query form. Asking for results and RDF at once is not enough:
# Virtuoso answers a CONSTRUCT with SPARQL JSON results when those come first.
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5, text/plain;q=0.3"

# What precedes the query form: comments, BASE and PREFIX declarations.
_PROLOGUE = re.compile(
    r"""\s+|\#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>""",
    re.IGNORECASE,
)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first keyword after the prologue.

    Unknown (a server-specific pragma, say) counts as ``SELECT``; the response's
    Content-Type decides the result type in any case.
    """
    position = 0
    while match := _PROLOGUE.match(sparql, position):
        if match.end() == position:
            break
        position = match.end()
    form = _FORM.match(sparql, position)
    return form.group(1).upper() if form else "SELECT"


# Only named graphs: the same answer whether or not the server's default graph
# is the union of the named graphs.
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"
GRAPHS_SLOW_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
ALL_QUADS_QUERY = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
ALL_TRIPLES_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class RemoteSyntaxError(StoreError, SyntaxError):
    """The server refused a query or update as malformed (HTTP 400).

    Both a ``StoreError`` and a ``SyntaxError``, so code written for the embedded
    store (which raises ``SyntaxError`` for a bad query) works unchanged.
    """


def _media_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower()


def _one_line(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _triple_line(quad: ox.Quad | ox.Triple) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


class _RequestParts(TypedDict, total=False):
    """What ``RemoteStore._request``'s callers hand on to ``httpx.Client.request``."""

    params: Mapping[str, str]
    content: bytes | str
    headers: Mapping[str, str]


class RemoteStore:
    """A SPARQL 1.1 store over HTTP.

    ``RemoteStore("http://127.0.0.1:7878")`` uses Oxigraph server's endpoints:
    ``/query``, ``/update`` and ``/store``. For other servers give the endpoints
    explicitly, e.g. Virtuoso::

        RemoteStore(
            query_url="http://host:8890/sparql",
            update_url="http://host:8890/sparql-auth",
            gsp_url="http://host:8890/sparql-graph-crud-auth",
            auth=httpx.DigestAuth("dba", "secret"),
            union_default_graph_param=None,
        )

    ``read_only=True`` refuses every change locally, before any request.
    ``headers`` are sent with every request (e.g. ``{"Authorization": "Bearer …"}``);
    ``auth`` is anything httpx accepts (a ``(user, password)`` tuple for basic
    auth, ``httpx.DigestAuth`` …). ``timeout`` is in seconds, per request.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        query_url: str | None = None,
        update_url: str | None = None,
        gsp_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        timeout: float = 120.0,
        union_default_graph_param: str | None = "union-default-graph",
        gsp_graph_param: str = "graph",
        gsp_content_type: str = "application/n-triples",
        read_only: bool = False,
        client: httpx.Client | None = None,
    ) -> None:
        if base_url is None and not (query_url and update_url and gsp_url):
            raise StoreError("RemoteStore: give a base URL, or query_url, update_url and gsp_url")
        base = base_url.rstrip("/") if base_url else ""
        self.base_url = base_url
        self.query_url = query_url or f"{base}/query"
        self.update_url = update_url or f"{base}/update"
        self.gsp_url = gsp_url or f"{base}/store"
        self.union_default_graph_param = union_default_graph_param
        self.gsp_graph_param = gsp_graph_param
        self.gsp_content_type = gsp_content_type
        self.read_only = read_only
        self._client = client or httpx.Client(
            headers=dict(headers or {}),
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
        )

    def __repr__(self) -> str:
        return f"RemoteStore(query_url={self.query_url!r}, update_url={self.update_url!r}, gsp_url={self.gsp_url!r})"

    # -- HTTP -----------------------------------------------------------------

    def _request(
        self,
        method: str,
        url: str,
        *,
        syntax_errors: bool = False,
        ok_statuses: tuple[int, ...] = (),
        **kwargs: Unpack[_RequestParts],
    ) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as error:
            raise StoreError(f"{method} {url}: the store did not answer in time ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise StoreError(f"{method} {url}: cannot reach the store: {_one_line(str(error)) or type(error).__name__}") from None
        if response.status_code >= 400 and response.status_code not in ok_statuses:
            detail = _one_line(response.text)
            message = f"{method} {url}: HTTP {response.status_code} {response.reason_phrase}" + (f": {detail}" if detail else "")
            if syntax_errors and response.status_code == 400:
                raise RemoteSyntaxError(message)
            raise StoreError(message)
        return response

    def _writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(f"{self.update_url}: the store was opened read-only; cannot {what}")

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "RemoteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- GraphStore -----------------------------------------------------------

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], *, also_insert: Iterable[ox.Quad] = ()) -> None:
        self._writable("replace a graph")
        name = ox.NamedNode(graph)  # validates the IRI before anything is sent
        body = "".join(_triple_line(q) + "\n" for q in quads).encode("utf-8")
        extra = list(also_insert)
        # Shared descriptions (codes, units, projects) first: they are additive and
        # idempotent, so if the PUT then fails nothing points at a missing label.
        if extra:
            self._insert_data(extra)
        self._request(
            "PUT",
            self.gsp_url,
            params={self.gsp_graph_param: name.value},
            content=body,
            headers={"Content-Type": self.gsp_content_type},
        )

    def _insert_data(self, quads: list[ox.Quad]) -> None:
        by_graph: dict[object, list[str]] = defaultdict(list)
        for q in quads:
            by_graph[q.graph_name].append(_triple_line(q))
        blocks = []
        for graph_name, lines in by_graph.items():
            text = "\n".join(lines)
            if isinstance(graph_name, ox.DefaultGraph):
                blocks.append(text)
            else:
                blocks.append(f"GRAPH {graph_name} {{\n{text}\n}}")
        self.update("INSERT DATA {\n" + "\n".join(blocks) + "\n}")

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def graphs(self) -> list[str]:
        names = {row["g"].value for row in self._select(GRAPHS_QUERY) if isinstance(row["g"], ox.NamedNode)}
        if not names:
            # Virtuoso matches no graph with an empty pattern; ask the slow way.
            names = {row["g"].value for row in self._select(GRAPHS_SLOW_QUERY) if isinstance(row["g"], ox.NamedNode)}
        return sorted(names)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query; with no ``default_graphs`` the default graph is the union of all graphs."""
        dataset: list[tuple[str, str]] = []
        if not default_graphs and named_graphs:
            # The embedded store keeps the union default graph while restricting
            # GRAPH ?g to ``named_graphs``. A protocol request that names graphs
            # sets the whole dataset, so name every graph as the default.
            default_graphs = self.graphs()
        if default_graphs:
            dataset += [("default-graph-uri", ox.NamedNode(g).value) for g in default_graphs]
        elif self.union_default_graph_param and not named_graphs:
            dataset.append((self.union_default_graph_param, ""))
        dataset += [("named-graph-uri", ox.NamedNode(g).value) for g in named_graphs or ()]
        return self._query(sparql, dataset)

    def _query(self, sparql: str, dataset: Sequence[tuple[str, str]] = ()) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """POST ``sparql`` as it is, with only the given dataset parameters."""
        response = self._request(
            "POST",
            self.query_url,
            syntax_errors=True,
            content=urlencode([("query", sparql), *dataset]),
            headers={
                "Accept": RDF_ACCEPT if query_form(sparql) in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT,
                "Content-Type": FORM,
            },
        )
        return self._parse_results(response)

    def _select(self, sparql: str) -> ox.QuerySolutions:
        result = self._query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError(f"POST {self.query_url}: the store answered a SELECT with a {type(result).__name__}")
        return result

    def _construct(self, sparql: str) -> ox.QueryTriples:
        result = self._query(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise StoreError(f"POST {self.query_url}: the store answered a CONSTRUCT with a {type(result).__name__}")
        return result

    def _parse_results(self, response: httpx.Response) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        media = _media_type(response)
        try:
            if media in SPARQL_RESULTS:
                return ox.parse_query_results(response.content, SPARQL_RESULTS[media])
            if media in RDF_TYPES:
                # Load into a scratch store and CONSTRUCT back, so CONSTRUCT and
                # DESCRIBE give a genuine QueryTriples (iterable, .serialize()).
                scratch = ox.Store()
                scratch.load(response.content, format=RDF_TYPES[media])
                return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        except SyntaxError as error:
            raise StoreError(f"POST {self.query_url}: the store answered with malformed {media}: {_one_line(str(error))}") from None
        raise StoreError(f"POST {self.query_url}: unexpected response type {media or '(none)'}")

    def update(self, sparql: str) -> None:
        self._writable("run an update")
        self._request(
            "POST",
            self.update_url,
            syntax_errors=True,
            content=urlencode({"update": sparql}),
            headers={"Content-Type": FORM},
        )

    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
        self._writable("load data")
        # Parse locally first so that a syntax error never reaches the server.
        staging = ox.Store()
        staging.load(data, format=fmt, to_graph=ox.NamedNode(graph))
        self.replace_graph(graph, staging)

    def export(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            # One graph, as the embedded store dumps it: its triples (in the
            # default graph for N-Quads and TriG).
            wanted = "" if fmt.supports_datasets else f"{fmt.media_type}, "
            response = self._request(
                "GET",
                self.gsp_url,
                params={self.gsp_graph_param: ox.NamedNode(graph).value},
                headers={"Accept": wanted + "application/n-triples;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"},
                ok_statuses=(404,),
            )
            if response.status_code == 404:
                return written(ox.serialize([], format=fmt))  # an absent graph is an empty one
            media = _media_type(response)
            if media == fmt.media_type:
                return response.content
            if media not in RDF_TYPES:
                raise StoreError(f"GET {self.gsp_url}: unexpected response type {media or '(none)'}")
            try:
                quads = list(ox.parse(response.content, RDF_TYPES[media]))
            except SyntaxError as error:
                raise StoreError(f"GET {self.gsp_url}: the store answered with malformed {media}: {_one_line(str(error))}") from None
            return written(ox.serialize(quads if fmt.supports_datasets else [q.triple for q in quads], format=fmt))
        if fmt.supports_datasets:
            quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in self._select(ALL_QUADS_QUERY)]
            return written(ox.serialize(quads, format=fmt))
        # Triple formats get the union of all documents, as queries see it.
        return written(self._construct(ALL_TRIPLES_QUERY).serialize(format=fmt))

    def flush(self) -> None:
        """Nothing to do: every change is sent to the server when it is made."""

    def __len__(self) -> int:
        (row,) = list(self._select(COUNT_QUERY))
        return int(row["n"].value)
