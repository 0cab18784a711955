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
generator that raises) leaves the old version untouched.

Why a very large replace goes in parts, and how it stays whole or absent. One RocksDB
transaction keeps every key it writes in memory until it commits, and writes each quad
under a lock, about 26 µs of CPU a quad on disk: the 20,000-row table of ``budgetkg
bench --stress`` (2.1 million quads) peaked at 6.9 GB and spent most of its time there.
So a replace of more than ``PART_QUADS`` quads, new or old (a small new version of a large
document: dropping the old in one transaction would hold all its keys too), or of a
``group`` of documents (``kg.ingest.commit_group``), goes (on disk; in memory nothing
survives a crash):

1. a journal, ``budgetkg-replacing.json`` in the store's directory, names the graphs
   being replaced; written, synced and renamed into place before anything else;
2. what the old graphs hold and their new version lacks is removed, and what they hold
   already is kept rather than written again (``_remove_what_changed``: deleting is the
   engine's dearest step); a graph that mostly changed is emptied, ``PART_QUADS`` quads a
   transaction, and dropped;
3. the new quads not stored yet go in ``BULK_PART_QUADS`` at a time with ``bulk_extend``,
   which writes sorted files and adds them to the store (3.5 times less CPU a quad than a
   transaction, and memory bounded by the part), the document graph last, so the ingest
   marker is the last quad written;
4. the serial number of the journal is written to ``budgetkg-replaced`` and the journal
   removed.

What the write of one large document costs (session 13; a prepared document committed into a
store on disk and flushed, then committed again as ``ingest --force`` does; CPU seconds of the
process, all threads, machine loaded 6-8 by other work). Nearly all of it is the engine's: perf
puts a new document's write in pyoxigraph's bulk loader (sorting keys, memcmp 28%; allocating
them, 20%; the sorted files), about 10 µs a quad, the Python side (staging, handing quads over)
under 1 µs. So a new document costs what its quads cost. The size of the parts trades the wall
time against CPU, disk writes and memory: each part holds about 600 bytes a quad in the loader,
and while the main thread sorts the next part RocksDB merges the files of the last ones on the
second core. Side by side on an idle machine (load 0.3-1), the 5,000-row table's write (725,000
quads) in parts of 100,000: 3.5-3.9 s wall, 4.6-5.1 CPU s + 1.1 merging in the next 10 s, 0.6
GiB written; in parts of 500,000: 4.4-4.6 s wall, 4.3-4.5 CPU s, 0.17 GiB, peak +312 MiB. The
20,000-row table's (2.9 million quads staged): parts of 100,000 13.1-14.5 s wall, 22.1-24.6 CPU
s; of 500,000 21.6 s wall, 25.3 CPU s (under load 6-8 larger parts saved 4-15 CPU s of the case, but
not here). Parts stay at 100,000: the wall time is the target and the memory is lower. A
re-ingest deleted every old quad first, by SPARQL DELETE, 100,000 a transaction: 68 CPU s for
the 20,000-row table's 2.5 million (27 µs a quad; one transaction for all, 120 CPU s). Kept when
unchanged, the 5,000-row table (725,000 quads) re-ingests in 4.6 CPU s instead of 18.4, writing
8 MiB instead of 1,109; the 2,000-row table 1.8 instead of 7.5. On an idle machine: the 5,000-row
table 13.6 -> 4.5 s wall (17.1 -> 4.5 CPU s), the 20,000-row table 63.4 -> 16.7 s wall (79.9 ->
21.1 CPU s, 4.6 -> 0.7 GiB written, peak 3,123 -> 2,335 MiB; the main thread asking the store
for each quad is most of what is left).

Opening the store (read-write, or read-only when no writer holds it) after a crash in
steps 1-4 finds the journal and finishes the job the other way: it drops those graphs
and removes the journal. The document is then absent, no graph and no marker, exactly
as between the two transactions above, and the next ``ingest`` writes it again. Quads
of ``also_insert`` (the shared reference graph: codes, units) already written stay; they
are the same quads any ingest of the document writes there. ``tests/test_store.py``
kills a write at chosen parts and reopens the store both ways.

Why ingest writes documents in groups this way. A transaction a document goes through
RocksDB's write-ahead log and memtable, and its compactions then rewrite every byte again
and again as the store grows: committing 500 prepared generated documents (3,500 quads
each) one transaction each wrote 5.1 GB for a 0.6 GB store, and the writer's CPU went from
77 to 135 ms a document between the first and the fifth hundred (48-59 ms of it in the
committing thread). Written as sorted files in groups of 25 (``bulk_extend``), the same
documents wrote 1.9 GB at 35 to 60 ms of CPU a document (4 ms in the committing thread);
groups of 10 and 50 gave the same within the noise; one document a group, 4.9 GB and 66 to
120 ms. (Prepared documents committed by a script into a fresh store, per hundred, machine
at load 6-9, so CPU figures; ``bench/bench_flat_costs.py`` figures are in the README.) What
still grows is the store's own compactions, more levels as it grows; pyoxigraph exposes no
RocksDB option to tune them.

What readers see. The one state a single transaction hides and a write in parts does not is
a document half written, in a read-only view taken between two parts. A read-only open
(``open_snapshot``) reads the serial that ended last and then the journal, opens the view,
and reads them again in the other order; equal both times, no replace in parts began or
ended during the open, so the graphs of the one in progress, if any, are exactly those half
written in the view, and ``OxigraphStore`` leaves them out of queries, ``graphs()``, exports
and ``len()``: the document is absent, as between the two transactions above. Otherwise it
opens again. ``tests/test_store.py`` opens a reader while a writer waits between two parts.
The server's query workers (``api/executor.py``) open their views with ``open_snapshot`` too
and narrow each query's dataset to the graphs not hidden.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol

import pyoxigraph as ox

from kg.oxigraph_bytes import written
from kg.query_dataset import query_dataset
from kg.solutions import literal, solutions

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

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


# A replace of more quads than this goes in parts (module docstring): one RocksDB transaction
# holds every key it writes in memory (about 1.4 KB a quad), and writes each quad several
# times slower than ``bulk_extend`` does. Old quads are deleted this many a transaction.
PART_QUADS = 100_000
# New quads go in ``bulk_extend`` calls of this many. Larger parts write fewer sorted files for
# RocksDB to merge (a third of the bytes at 500,000) but hold more memory and leave the second
# core idle while a part is sorted: slower on an idle machine (module docstring).
BULK_PART_QUADS = PART_QUADS
# In a store's directory while a replace in parts runs: the graphs it drops and writes.
_JOURNAL = "budgetkg-replacing.json"
# The serial number of the last replace in parts that ended (finished, or undone after a
# crash): a reader compares it before and after opening (``open_snapshot``).
_DONE = "budgetkg-replaced"
# Written after the store's sorted files were all merged (``optimize_when_fragmented``): how many
# files it then had and their bytes. A store never merged counts as having had _MERGED_FILES.
_OPTIMIZED = "budgetkg-optimized"
_MERGED_FILES = 16
# A merge rewrites the whole store, so it also waits until the files have grown by this share
# of their bytes at the last merge: each merge is then paid for by that much new data, a
# constant per document written, whatever the store's size.
_MERGE_GROWTH = 0.25
# How often a read-only open tries again for a view no replace in parts began or ended
# during: each try takes milliseconds, and a replace in parts begins or ends a few times a second at most.
_SNAPSHOT_TRIES = 20


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

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False, part_quads: int = PART_QUADS, bulk_part_quads: int = BULK_PART_QUADS) -> None:
        self.path = Path(path) if path is not None else None
        self.part_quads = part_quads
        self.bulk_part_quads = bulk_part_quads
        # Graphs a replace in parts was writing when this read-only view was taken: queries,
        # graphs(), export and len() leave them out, so the document they belong to is absent.
        self.hidden: frozenset[str] = frozenset()
        if self.path is not None and read_only and (self.path / _JOURNAL).is_file():
            _recover_unlocked(self.path, part_quads)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store, self.hidden = open_snapshot(self.path)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as error:
            raise StoreError(f"{path}: cannot open the store: {error}") from None
        if self.path is not None and not read_only:
            _finish_interrupted_replace(self._store, self.path, part_quads)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for the SPARQL endpoint."""
        return self._store

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], *, also_insert: Iterable[ox.Quad] = ()) -> None:
        self.replace_graphs({graph: quads}, also_insert=also_insert)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]], *, also_insert: Iterable[ox.Quad] = (), group: bool = False) -> None:
        """Replace several named graphs and add ``also_insert``: drop them, then one ``extend``;
        on disk, when the new quads or the old ones pass ``part_quads``, or for a ``group`` (the
        graphs of several documents, kg.ingest), in parts under a journal (``_replace_in_parts``).

        After a crash each graph holds its old content or nothing or its new content,
        never part of it (the module docstring says why).
        """
        named = list(graphs)
        # The first graph last, in its own order: its final quad (a document's ingest marker,
        # kg.ingest) is then the last quad written, whichever way the quads go in.
        staged = list(also_insert)
        for graph in named[1:] + named[:1]:
            staged.extend(in_graph(graphs[graph], ox.NamedNode(graph)))
        if self.path is not None and (
            group
            or len(staged) > self.part_quads
            # A small new version of a large document: dropping the old in one transaction
            # would hold every key it deletes in memory, as a large insert would.
            or _holds_more_than(self._store, named, self.part_quads - len(staged))
        ):
            self._replace_in_parts(named, staged)
            return
        if graphs:
            self._store.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(graph)}" for graph in graphs))
        self._store.extend(staged)

    def _replace_in_parts(self, graphs: list[str], staged: list[ox.Quad]) -> None:
        """A replace too large for one transaction, made whole-or-absent by a journal
        (the module docstring says why and how)."""
        assert self.path is not None
        # A journal left by a write whose undoing failed (below) is finished first: writing
        # ours over it would forget the graphs it names.
        _finish_interrupted_replace(self._store, self.path, self.part_quads)
        serial = _write_journal(self.path, graphs)
        try:
            added = _remove_what_changed(self._store, graphs, staged, self.part_quads)
            for start in range(0, len(added), self.bulk_part_quads):
                self._store.bulk_extend(added[start : start + self.bulk_part_quads])
        except BaseException:
            # A failed part (a full disk): undo it now, as opening the store after a crash
            # would, so that the graphs are absent rather than half written.
            _finish_interrupted_replace(self._store, self.path, self.part_quads)
            raise
        _end_journal(self.path, serial)

    def drop_graph(self, graph: str) -> None:
        self._store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in self.hidden)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        if self.hidden:  # a half-written document's graphs: outside every graph a query can read
            default, named = self._visible_dataset(sparql, default_graphs, named_graphs)
            # Explicit lists, even empty (pyoxigraph reads [] as no graph, None as every graph).
            return self._store.query(sparql, default_graph=[ox.NamedNode(g) for g in default], named_graphs=[ox.NamedNode(g) for g in named])
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

    def _visible_dataset(self, sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> tuple[list[str], list[str]]:
        """The dataset a query reads in this view, without the hidden graphs: the one given, else
        the query's own FROM / FROM NAMED (Oxigraph's dataset options replace it, so it is read
        here: kg.query_dataset), else the union of the visible graphs; a list not given is every
        visible graph, as every graph is when nothing is hidden."""
        if default_graphs is None and named_graphs is None:
            try:
                declared = query_dataset(sparql)
            except ValueError as error:
                # Answering a query whose dataset is unknown might read the half-written document.
                raise StoreError(f"a document is being written and the query's FROM could not be read ({error}); try again") from None
            if declared is not None:
                default_graphs, named_graphs = list(declared.default_graphs), list(declared.named_graphs)
        visible = self.graphs()
        return (
            [g for g in (visible if default_graphs is None else default_graphs) if g not in self.hidden],
            [g for g in (visible if named_graphs is None else named_graphs) if g not in self.hidden],
        )

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
        # Parse into memory first so that a syntax error leaves the store untouched.
        staging = ox.Store()
        staging.load(data, format=fmt, to_graph=ox.NamedNode(graph))
        self.replace_graph(graph, staging)

    def export(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if self.hidden:
            quads = (q for q in self._store if q.graph_name.value not in self.hidden)
            if graph is not None:
                return written(ox.serialize((q for q in quads if q.graph_name.value == graph), format=fmt))
            if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
                return written(ox.serialize(quads, format=fmt))
            return written(ox.serialize({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, format=fmt))
        if graph is not None:
            return written(self._store.dump(format=fmt, from_graph=ox.NamedNode(graph)))
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            return written(self._store.dump(format=fmt))
        # Triple formats get the union of all documents, as queries see it.
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        if not isinstance(union, ox.QueryTriples):
            raise TypeError(f"a CONSTRUCT answered {type(union).__name__}")
        return written(union.serialize(format=fmt))

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    def optimize_when_fragmented(self) -> bool:
        """Merge the store's sorted files (Oxigraph's ``optimize``, a full compaction) when they
        number more than twice what they did after the last merge and their bytes have grown by
        a quarter (``_MERGE_GROWTH``) since; whether it merged.

        Why. Groups written with ``bulk_extend`` each add sorted files, and RocksDB's own
        compactions leave many unmerged; reads slow down with their count, not the store's size
        (session 13, load 6-8: 1,000 generated documents, 57 files -> 32 after optimize: one
        document's quads read in 17-22 ms instead of 44-50; 3,000 documents: the bench's HTTP mix
        p50 410 -> 56 ms). A merge rewrites the whole store (3,000 documents: 24 CPU s) and leaves
        about the same number of files at any size, so counting files alone merged every few
        groups, and a store fed in small batches paid for rewriting all of itself each time
        (session 14, ``bench/bench_flat_costs.py --sizes 100,500 --workers 1``, batches of 100:
        the writer's CPU 47 -> 119 ms a document from 100 to 500 documents; 88 without merging).
        Waiting for a quarter more bytes as well bounds each document's share of the merges by a
        constant, and leaves at most a fifth of the data unmerged.
        """
        if self.path is None:
            return False
        merged_files, merged_bytes = _read_merged(self.path / _OPTIMIZED)
        files, size = _sorted_files(self.path)
        if files <= 2 * merged_files or size < (1 + _MERGE_GROWTH) * merged_bytes:
            return False
        self._store.optimize()
        files, size = _sorted_files(self.path)
        (self.path / _OPTIMIZED).write_text(f"{files} {size}", encoding="utf-8")
        return True

    def __len__(self) -> int:
        if self.hidden:
            return sum(1 for q in self._store if q.graph_name.value not in self.hidden)
        return len(self._store)


def _sorted_files(path: Path) -> tuple[int, int]:
    """How many sorted files the store's directory holds, and their bytes."""
    count = size = 0
    for entry in os.scandir(path):
        if entry.name.endswith(".sst"):
            count += 1
            try:
                size += entry.stat().st_size
            except FileNotFoundError:  # merged away by a compaction while listed
                pass
    return count, size


def _read_merged(path: Path) -> tuple[int, int]:
    """What the last merge left (files, bytes). A store never merged, or merged by a version
    that wrote only the count, counts as _MERGED_FILES files or that count, of no bytes."""
    try:
        fields = path.read_text(encoding="utf-8").split()
        return int(fields[0]) or _MERGED_FILES, int(fields[1]) if len(fields) > 1 else 0
    except (OSError, ValueError, IndexError):
        return _MERGED_FILES, 0


def _write_journal(path: Path, graphs: list[str]) -> int:
    """The graphs a replace in parts is about to drop and write, durably on disk before it
    starts; returns its serial number (one more than the last that ended)."""
    serial = _done_serial(path) + 1
    tmp = path / (_JOURNAL + ".tmp")
    with tmp.open("w", encoding="utf-8") as file:
        json.dump({"replacing": graphs, "serial": serial}, file)
        file.flush()
        os.fsync(file.fileno())
    tmp.replace(path / _JOURNAL)
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return serial


def _end_journal(path: Path, serial: int) -> None:
    """Say the replace numbered ``serial`` ended, then remove its journal: in this order, a
    reader that finds no journal after opening also finds the serial moved on if one ended
    while it opened (``open_snapshot``)."""
    tmp = path / (_DONE + ".tmp")
    tmp.write_text(str(serial), encoding="utf-8")
    tmp.replace(path / _DONE)
    (path / _JOURNAL).unlink()


def _done_serial(path: Path) -> int:
    try:
        return int((path / _DONE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0


def _read_journal(journal: Path) -> list[str]:
    try:
        graphs = json.loads(journal.read_text(encoding="utf-8"))["replacing"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreError(f"{journal}: unreadable record of an interrupted write ({error}); expected JSON as budgetkg writes it") from None
    if not isinstance(graphs, list) or not all(isinstance(g, str) for g in graphs):
        raise StoreError(f"{journal}: expected a list of graph IRIs under 'replacing'")
    return graphs


def _journal_serial(journal: Path) -> int:
    try:
        return int(json.loads(journal.read_text(encoding="utf-8")).get("serial", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


def _write_state(path: Path) -> tuple[int, int | None, frozenset[str]]:
    """(last ended serial, serial of the replace in progress or None, the graphs it writes)."""
    done = _done_serial(path)
    journal = path / _JOURNAL
    if not journal.is_file():
        return done, None, frozenset()
    try:
        return done, _journal_serial(journal), frozenset(_read_journal(journal))
    except StoreError:
        return done, -1, frozenset()  # being replaced as we read it: not a stable state


def open_snapshot(path: Path) -> tuple[ox.Store, frozenset[str]]:
    """A read-only view of the store and the graphs to hide in it: those a replace in parts was
    writing when the view was taken (module docstring, "what readers see").

    The state is read before and after opening (the serial that ended last, then the journal;
    after, in the other order). The same state both times means that no replace in parts began
    or ended during the open, so the graphs of the one in progress, if any, are exactly those
    half written in the view. Otherwise the view is opened again.
    """
    for _ in range(_SNAPSHOT_TRIES):
        before = _write_state(path)
        try:
            store = ox.Store.read_only(str(path))
        except RuntimeError:
            # Opening races with the writer's compactions: the manifest read can name a file
            # deleted a moment later ("Corruption: ... No such file"). A second try sees the new one.
            time.sleep(0.01)
            continue
        after = _write_state(path)
        if before == after and before[1] != -1:
            return store, before[2]
        del store
        time.sleep(0.01)
    store = ox.Store.read_only(str(path))  # a last try: its error, if any, is the one to report
    if _write_state(path)[1] is None:
        return store, frozenset()
    raise StoreError(f"{path}: could not open a view of the store between two large writes; try again")


def _holds_more_than(store: ox.Store, graphs: list[str], limit: int) -> bool:
    """Whether ``graphs`` hold more than ``limit`` quads between them (reading at most ``limit`` + 1)."""
    if not graphs:
        return False
    if limit < 0:
        return True
    values = " ".join(str(ox.NamedNode(g)) for g in graphs)
    return bool(store.query(f"ASK {{ {{ SELECT ?s WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} OFFSET {limit} LIMIT 1 }} }}"))


def _filled(store: ox.Store, graphs: list[str]) -> list[ox.NamedNode]:
    """Those of ``graphs`` that hold quads, in one query (a group of new documents holds none)."""
    if not graphs:
        return []
    values = " ".join(str(ox.NamedNode(g)) for g in graphs)
    rows = solutions(store.query(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"))
    return [row["g"] for row in rows if isinstance(row["g"], ox.NamedNode)]


# A stored graph is compared with its new version when at least this share of a sample of the
# new quads is already stored; otherwise it is dropped whole (_remove_what_changed says why).
_KEEP_WHEN_STORED = 0.5
_SAMPLE_QUADS = 1_000


def _remove_what_changed(store: ox.Store, graphs: list[str], staged: list[ox.Quad], part_quads: int) -> list[ox.Quad]:
    """Remove from ``graphs`` every stored quad their new version (in ``staged``) lacks, and return
    the quads still to write: those of ``staged`` not stored already.

    Why not drop and write everything. Deleting is the dearest thing the engine does (about
    20 µs of CPU a quad by SPARQL DELETE, 100,000 a transaction; 48 µs in one transaction of 2.5
    million), and writing a quad back costs about 10 µs; asking whether a quad is stored costs
    about 5, counting a graph's quads 0.4, reading one back 8, removing one alone 16 (machine
    loaded 7-8, 2,000-row table). A re-ingest (``--force``, a new budgetkg, other settings)
    mostly writes what is there. When a sample of a graph's new quads shows it mostly changed,
    the graph is dropped in parts instead, as before. The result is the same either way: each
    graph then holds exactly its new quads; a crash midway is undone by the journal.

    The new version is compared as the engine stores it, through an in-memory store: Oxigraph
    keeps a typed literal by its value ("3.00" and "3.0" as one xsd:decimal), so comparing the
    Python quads would take a stored "3.0" for a quad the new version lacks.
    """
    filled = _filled(store, graphs)
    new: dict[GraphName, list[ox.Quad]] = {graph: [] for graph in filled}
    for quad in staged if filled else ():
        quads = new.get(quad.graph_name)
        if quads is not None:
            quads.append(quad)
    # Graphs that hold nothing are dropped too, as a replace always did (an empty graph's name goes).
    dropped = [g for g in graphs if ox.NamedNode(g) not in new]
    missing: dict[GraphName, list[ox.Quad]] = {}
    holds = store.__contains__  # called by name: test doubles wrap the store with __getattr__
    for graph in filled:
        quads = new[graph]
        sample = quads[:: max(1, len(quads) // _SAMPLE_QUADS)]
        if not sample or sum(map(holds, sample)) < _KEEP_WHEN_STORED * len(sample):
            dropped.append(graph.value)
            continue
        version = ox.Store()
        version.extend(quads)
        missing[graph] = [q for q in version if not holds(q)]
        if _count(store, graph) > len(version) - len(missing[graph]):  # stored quads the new version lacks
            for old in [q for q in store.quads_for_pattern(None, None, None, graph) if q not in version]:
                store.remove(old)
    _drop_in_parts(store, dropped, part_quads, [g for g in filled if g not in missing])
    compared = set(missing)
    if not missing:
        return staged
    # Graph by graph in the order of ``staged`` (the first graph last: its last quad is the ingest
    # marker), a compared graph's missing quads where its quads were.
    added: list[ox.Quad] = []
    for quad in staged:
        if quad.graph_name not in compared:
            added.append(quad)
        elif quad.graph_name in missing:
            added.extend(missing.pop(quad.graph_name))
    return added


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    rows = solutions(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))
    return int(literal(next(iter(rows)), "n").value)


def _drop_in_parts(store: ox.Store, graphs: list[str], part_quads: int, filled: list[ox.NamedNode] | None = None) -> None:
    """Empty and drop ``graphs``, at most ``part_quads`` quads per transaction (``filled``: those
    of them that hold quads, when the caller knows)."""
    if not graphs:
        return
    # Only the graphs that hold quads are emptied part by part; then one update drops them all
    # (a group of new documents holds none: one small transaction, not one per graph).
    for node in _filled(store, graphs) if filled is None else filled:
        while store.query(f"ASK {{ GRAPH {node} {{ ?s ?p ?o }} }}"):
            store.update(f"DELETE {{ GRAPH {node} {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }} LIMIT {part_quads} }} }}")
    store.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(graph)}" for graph in graphs))


def _finish_interrupted_replace(store: ox.Store, path: Path, part_quads: int) -> None:
    """After a crash during a replace in parts: drop the graphs it was writing. The document is
    then absent (it has no ingest marker either), and the next ingest writes it again."""
    journal = path / _JOURNAL
    if not journal.is_file():
        return
    serial = _journal_serial(journal)
    _drop_in_parts(store, _read_journal(journal), part_quads)
    store.flush()
    _end_journal(path, max(serial, _done_serial(path) + 1))


def _recover_unlocked(path: Path, part_quads: int) -> None:
    """Before a read-only open: finish an interrupted replace if no writer holds the store
    (a writer that does is the one replacing, and finishes it itself)."""
    try:
        store = ox.Store(str(path))
    except OSError:
        return
    _finish_interrupted_replace(store, path, part_quads)


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
