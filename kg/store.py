"""The store: where each document's graph lives.

``GraphStore`` is the small interface the rest of budgetkg talks to. The default
implementation is embedded Oxigraph, on disk or in memory; a remote SPARQL 1.1
store can implement the same methods without the parser knowing.

One named graph per document; the default graph seen by queries is the union of
all named graphs.

Why the embedded store writes with ``Store.extend`` and not SPARQL text: a document
used to go in as one ``DROP SILENT GRAPH …; INSERT DATA {…}`` update, whose text
had to be built in Python and parsed again by Oxigraph, about 10 µs per quad
(61 ms of CPU per generated document, and most of the 437 s the 20,000-row table
took). ``extend`` hands Oxigraph the quad objects themselves, in one transaction:
written side by side into stores on disk, the five seeds cost 0.26-0.28 CPU s each
against 0.47-0.50 s by SPARQL text (most of what is left is RocksDB indexing each quad
six ways), and 30,238 quads of seed 001 in memory 0.22 s against 1.29 s.

Why a replace is still safe after a crash (SIGKILL at any point): it is two
transactions, in this order.

1. Every graph being replaced is dropped, in one SPARQL update (a few hundred
   bytes of text, whatever the size of the graphs): one transaction.
2. All new quads of all those graphs, and ``also_insert``, go in with one
   ``extend``: one transaction, all of it or nothing.

A document's ingest marker (``bkg:ingestFingerprint``, the digest ``kg.ingest``
compares to skip an unchanged document) is a quad of its document graph, so it is
written by step 2, together with the last of its quads and never before them. A
crash before step 1 commits leaves the old version whole; between the steps, the
document is absent (no graph, no marker); after step 2, the new version is whole.
In no state is a marker there without all of its document's quads, so a re-run of
``budgetkg ingest`` re-ingests exactly the documents that are absent. The quads
are read into lists before step 1, so a source that fails while being read (a
generator that raises) leaves the old version untouched. ``bulk_extend`` would be
faster still but is not transactional, so it is not used.

The one state readers can see that a single transaction would hide is "absent"
between the steps; on disk only the writing process has the store open, and the
server reads the store as it was when it started, so no other reader sees it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol

import pyoxigraph as ox

EXPORT_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class StoreError(Exception):
    pass


# RocksDB, under Oxigraph, writes this file when it creates a store; a directory
# without it holds no store (a mistyped path, or an unrelated folder).
_STORE_MARKER = "CURRENT"


def holds_store(path: Path | str) -> bool:
    """Whether ``path`` is a directory that already holds an Oxigraph store."""
    return (Path(path) / _STORE_MARKER).is_file()


def require_store(location: str) -> None:
    """Refuse a local path that holds no store, before anything creates one there.

    Only ``ingest`` and ``load`` may create a store: ``info`` or ``query`` on a mistyped
    path used to create an empty store and answer "0 quads" with exit code 0.
    """
    if location.startswith(("http://", "https://")):
        return
    path = Path(location)
    if not path.exists():
        raise StoreError(f"{location}: no store there (nothing at this path); expected a store made by budgetkg ingest or load")
    if not path.is_dir():
        raise StoreError(f"{location}: no store there (a file, not a store directory); expected a store made by budgetkg ingest or load")
    if not holds_store(path):
        raise StoreError(f"{location}: no store there (a directory without one); expected a store made by budgetkg ingest or load")


def in_graph(quads: Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads placed in ``graph``, whatever graph they name (callers pass triples'
    quads from staging stores and other graphs; the target graph is what counts)."""
    for quad in quads:
        yield quad if quad.graph_name == graph else ox.Quad(quad.subject, quad.predicate, quad.object, graph)


class GraphStore(Protocol):
    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], *, also_insert: Iterable[ox.Quad] = ()) -> None:
        """Replace the named graph's content: after it returns, fails or is killed, the
        graph holds its old content, nothing, or its new content; never part of it.

        ``also_insert`` quads (into other graphs) are added in the same transaction as
        the new content.
        """

    def drop_graph(self, graph: str) -> None: ...

    def graphs(self) -> list[str]: ...

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...

    def update(self, sparql: str) -> None: ...

    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str) -> None: ...

    def export(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes: ...

    def flush(self) -> None: ...

    def __len__(self) -> int: ...


class OxigraphStore:
    """Embedded Oxigraph: ``OxigraphStore(path)`` on disk, ``OxigraphStore()`` in memory."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as error:
            raise StoreError(f"{path}: cannot open the store: {error}") from None

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for the SPARQL endpoint."""
        return self._store

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], *, also_insert: Iterable[ox.Quad] = ()) -> None:
        self.replace_graphs({graph: quads}, also_insert=also_insert)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]], *, also_insert: Iterable[ox.Quad] = ()) -> None:
        """Replace several named graphs and add ``also_insert``: drop them, then one ``extend``.

        After a crash each graph holds its old content or nothing or its new content,
        never part of it (the module docstring says why).
        """
        staged = [quad for graph, quads in graphs.items() for quad in in_graph(quads, ox.NamedNode(graph))]
        staged.extend(also_insert)
        if graphs:
            self._store.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(graph)}" for graph in graphs))
        self._store.extend(staged)

    def drop_graph(self, graph: str) -> None:
        self._store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ):
        if default_graphs:
            return self._store.query(
                sparql,
                default_graph=[ox.NamedNode(g) for g in default_graphs],
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None,
            )
        return self._store.query(
            sparql,
            use_default_graph_as_union=True,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None,
        )

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
        # Parse into memory first so that a syntax error leaves the store untouched.
        staging = ox.Store()
        staging.load(data, format=fmt, to_graph=ox.NamedNode(graph))
        self.replace_graph(graph, staging)

    def export(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return self._store.dump(format=fmt, from_graph=ox.NamedNode(graph))
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            return self._store.dump(format=fmt)
        # Triple formats get the union of all documents, as queries see it.
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        return union.serialize(format=fmt)

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    def __len__(self) -> int:
        return len(self._store)


def open_store(location: str | None, *, read_only: bool = False, create: bool = True) -> GraphStore:
    """Open ``location``: a directory for embedded Oxigraph, or None for memory.

    With ``create=False`` a local path must already hold a store (``require_store``).
    """
    if location is None:
        return OxigraphStore()
    if not create:
        require_store(location)
    if location.startswith(("http://", "https://")):
        from kg.remote_store import RemoteStore

        return RemoteStore(location, read_only=read_only)
    return OxigraphStore(location, read_only=read_only)
