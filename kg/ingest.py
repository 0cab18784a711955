"""Ingest: files -> parsed documents -> quads -> one named graph each, atomically.

A document is parsed and mapped completely before the store is touched, and
its graphs are replaced as kg.store says (the old ones dropped, then every new quad in
one transaction; on disk a batch's documents go in groups, one journaled write each,
``commit_group``), so a bad document never leaves a partial graph behind and a
re-ingested one never shows old and new together.
Where documents are prepared is a runner's business (``kg.runners``: processes
here, or a Dask cluster); the store is written here only, by ``commit``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from kg import __version__
from kg.collection import collector_paused
from kg.iris import Iris
from kg.limits import check_file_size, check_record_count, record_count
from kg.links import relink
from kg.mapping import map_document
from kg.ontology import ontology_turtle
from kg.parse import document_id_for, parse_file
from kg.readers import DOCUMENT_SUFFIXES
from kg.reading import InputError
from kg.runners import Runner
from kg.runners.local import LocalRunner
from kg.settings import Settings
from kg.solutions import required_text, solutions
from kg.store import GraphStore, OxigraphStore
from kg.summary import summarize_prepared, summary_graph
from kg.vocabulary import BKG, ONTOLOGY_IRI
from kg.workers import Failure, Outcome, call

# An on-disk store keeps written data in memory until flushed; flushing every few
# documents keeps a large batch's memory flat (about 80 MiB instead of 2 MiB more per document).
FLUSH_EVERY = 10
# Prepared documents committed together, in one write of sorted files (``commit_group``): up to
# this many documents or GROUP_QUADS quads, whichever comes first. Bounded, so the writer holds
# the documents of one group and no more (issue 13: memory bounded by the documents in flight).
GROUP_DOCUMENTS = 25
GROUP_QUADS = 100_000


@dataclass(frozen=True)
class IngestReport:
    document_id: str
    path: str
    graph: str
    tables: int
    records: int
    triples: int
    warnings: int
    seconds: float
    reasoning_seconds: float = 0.0
    inferred: int = 0
    validation_seconds: float = 0.0
    violations: int | None = None
    warnings_found: int | None = None


def find_documents(paths: list[str]) -> list[Path]:
    """Files as given; folders searched recursively for documents, in a stable order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(given, None, "expected a document file or a folder of documents; nothing is there")
    return found


@dataclass
class PreparedDocument:
    """Everything one document will write, computed without touching the store."""

    report: IngestReport
    graphs: dict[str, list[ox.Quad]]  # document, inferred and validation graphs
    reference_quads: list[ox.Quad]

    # A prepared document crosses from a worker to the writing process. Pickled quad by
    # quad, the example repeated 200 times (470,000 quads) took 51 s to dump and 29 s to
    # load; as one N-Quads document it takes about 1 s and 7 s.
    def __getstate__(self) -> dict[str, object]:
        quads = [q for graph in self.graphs.values() for q in graph] + self.reference_quads
        return {"report": self.report, "graphs": list(self.graphs), "nquads": ox.serialize(quads, format=ox.RdfFormat.N_QUADS)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.report = state["report"]
        self.graphs = {name: [] for name in state["graphs"]}
        self.reference_quads = []
        for quad in ox.parse(state["nquads"], format=ox.RdfFormat.N_QUADS):
            self.graphs.get(quad.graph_name.value, self.reference_quads).append(quad)


def fingerprint(content_sha256: str, settings: Settings) -> str:
    """What a document's graph was made from: its bytes (by digest), this budgetkg and the settings."""
    made_from = f"{content_sha256}|budgetkg {__version__}|{settings.base_iri}|reason={settings.reason}|validate={settings.validate}"
    return hashlib.sha256(made_from.encode()).hexdigest()


@collector_paused()  # millions of quads, no cycles: kg.collection
def prepare_document(path: Path | str, settings: Settings) -> PreparedDocument:
    """Parse, map, reason and validate one document (a pure function: it runs in worker processes)."""
    started = time.perf_counter()
    check_file_size(Path(path))
    document = parse_file(path)
    check_record_count(document)
    mapped = map_document(document, settings)
    iris = Iris(settings.base_iri)
    doc = iris.document(document.document_id)
    mapped.quads.append(ox.Quad(doc, BKG.ingestFingerprint, ox.Literal(fingerprint(document.sha256, settings)), mapped.graph))
    graphs: dict[str, list[ox.Quad]] = {mapped.graph.value: mapped.quads}
    inferred: list[ox.Quad] = []
    inferred_count = 0
    reasoning_seconds = validation_seconds = 0.0
    report = None
    if settings.reason:
        from kg.reasoning import infer

        # What is inferred about shared things (a code's ancestry) belongs with them in the
        # reference graph: repeated in every document's inferred graph, it would multiply
        # the rows of queries over the union.
        shared = {q.subject.value for q in mapped.reference_quads if isinstance(q.subject, ox.NamedNode)}
        inference = infer(chain(mapped.quads, mapped.reference_quads), iris.inferred_graph(document.document_id), shared=shared, shared_graph=iris.reference_graph())
        inferred = inference.quads
        mapped.reference_quads.extend(inference.shared_quads)
        inferred_count = len(inference.quads) + len(inference.shared_quads)
        reasoning_seconds = inference.seconds
    graphs[iris.inferred_graph(document.document_id).value] = inferred
    if settings.validate:
        from kg.validation import report_quads, validate_quads

        started_validation = time.perf_counter()
        # The inferred graph without what moved to the reference graph: a triple in two graphs
        # makes build_dataset copy the whole dataset into its default graph (2.7 of 38 s on
        # the 4,000-row table); the union the shapes read is the same set of triples.
        report = validate_quads(
            mapped.quads + mapped.reference_quads + inferred,
            document.document_id,
            settings,
        )
        graphs[iris.validation_graph(document.document_id).value] = report_quads(report, settings)
        validation_seconds = time.perf_counter() - started_validation
    else:
        graphs[iris.validation_graph(document.document_id).value] = []
    # Corpus-wide aggregates, computed in the worker and committed with the document (kg.summary).
    graphs[summary_graph(settings, document.document_id).value] = summarize_prepared(graphs, mapped.reference_quads, settings, document.document_id)
    summary = IngestReport(
        document_id=document.document_id,
        path=str(path),
        graph=mapped.graph.value,
        tables=len(document.tables),
        records=record_count(document),
        triples=len(mapped.quads) + len(mapped.reference_quads),
        warnings=len(document.warnings),
        seconds=time.perf_counter() - started,
        reasoning_seconds=reasoning_seconds,
        inferred=inferred_count,
        validation_seconds=validation_seconds,
        violations=report.count("Violation") if report else None,
        warnings_found=report.count("Warning") if report else None,
    )
    return PreparedDocument(summary, graphs, mapped.reference_quads)


def commit(prepared: PreparedDocument, store: GraphStore) -> None:
    """Write a prepared document's document, inferred, report and summary graphs: after a
    crash or a failed write each is whole or absent, and the ingest marker is there only
    when all of them are (kg.store)."""
    if hasattr(store, "replace_graphs"):
        store.replace_graphs(prepared.graphs, also_insert=prepared.reference_quads)
    else:  # a store without multi-graph replace (remote): document first, then its derived graphs
        items = list(prepared.graphs.items())
        store.replace_graph(items[0][0], items[0][1], also_insert=prepared.reference_quads)
        for graph, quads in items[1:]:
            store.replace_graph(graph, quads)


def commit_group(group: list[PreparedDocument], store: GraphStore) -> None:
    """Write several prepared documents at once: on disk, one journaled write of sorted files
    (``OxigraphStore.replace_graphs(group=True)``, kg/store.py), each document whole or absent
    after a crash. Written one transaction each, 500 generated documents made RocksDB write
    5.1 GB for a 0.6 GB store (its compactions); in groups of 25, 1.9 GB (kg/store.py says more)."""
    if len(group) == 1 or not isinstance(store, OxigraphStore):
        for prepared in group:
            commit(prepared, store)
        return
    graphs: dict[str, list[ox.Quad]] = {}
    reference: list[ox.Quad] = []
    for prepared in group:
        graphs.update(prepared.graphs)
        reference.extend(prepared.reference_quads)
    store.replace_graphs(graphs, also_insert=reference, group=True)


def ingest_file(path: Path | str, store: GraphStore, settings: Settings) -> IngestReport:
    started = time.perf_counter()
    prepared = prepare_document(path, settings)
    commit(prepared, store)
    return replace(prepared.report, seconds=time.perf_counter() - started)


def stored_fingerprint(store: GraphStore, graph: str) -> str | None:
    rows = solutions(store.query(f"SELECT ?f WHERE {{ GRAPH <{graph}> {{ ?doc <{BKG.ingestFingerprint.value}> ?f }} }}"))
    for row in rows:
        return required_text(row, "f")
    return None


@dataclass(frozen=True)
class IngestResult:
    """One document's outcome in a batch: ingested (report), unchanged (skipped), refused
    as bad input (error) or failed for another reason (failure: memory, disk, a bug)."""

    path: Path
    report: IngestReport | None = None
    error: InputError | None = None
    skipped: bool = False
    failure: Failure | None = None

    @property
    def message(self) -> str | None:
        """The one line that says why this document is not in the store."""
        if self.error is not None:
            return str(self.error)
        if self.failure is not None:
            return f"{self.path}: {self.failure.message}"
        return None


def _is_unchanged(path: Path, store: GraphStore, settings: Settings) -> bool:
    try:
        graph = Iris(settings.base_iri).graph(document_id_for(path)).value
        with path.open("rb") as file:  # streamed: a PDF may be large
            digest = hashlib.file_digest(file, "sha256").hexdigest()
        return stored_fingerprint(store, graph) == fingerprint(digest, settings)
    except (OSError, InputError):
        return False  # let the real ingest report the problem


def ingest_many(
    paths: list[Path],
    store: GraphStore,
    settings: Settings,
    *,
    workers: int = 1,
    skip_unchanged: bool = True,
    runner: Runner | None = None,
) -> Iterator[IngestResult]:
    """Ingest documents prepared by ``runner`` (default: ``workers`` local processes);
    the store is written by this process only (``commit_group``: on disk, up to
    GROUP_DOCUMENTS documents a write, each whole or absent).

    Documents whose fingerprint matches the stored one are skipped. Results come
    in the order documents finish, a group at a time (``commit_group``). A document that
    fails, for whatever reason, is one result with its message; the batch goes on.
    """
    pending: list[Path] = []
    for path in paths:
        if skip_unchanged and _is_unchanged(path, store, settings):
            yield IngestResult(path, skipped=True)
        else:
            pending.append(path)
    # prepare_document is looked up now, not bound at import: tests replace it.
    prepared = (runner or LocalRunner(workers)).run(prepare_document, pending, settings)
    committed: list[str] = []
    unflushed = 0
    for results in _commit_in_groups(prepared, store):
        for result in results:
            if result.report is not None:
                committed.append(result.report.document_id)
            yield result
        unflushed += len(results)
        if unflushed >= FLUSH_EVERY:
            store.flush()
            unflushed = 0
    # Links between documents (a 决算 and its budget), for what this batch touched: kg.links.
    relink(store, settings, committed)
    if committed and isinstance(store, OxigraphStore):
        store.optimize_when_fragmented()  # reads slow down with unmerged files (kg.store)


def _commit_in_groups(prepared: Iterable[tuple[Path, Outcome[PreparedDocument]]], store: GraphStore) -> Iterator[list[IngestResult]]:
    """Each group's results once it is written; a document that failed to prepare at once."""
    group: list[tuple[Path, PreparedDocument]] = []
    quads = 0
    for path, outcome in prepared:
        if outcome.value is None:
            yield [IngestResult(path, error=outcome.error, failure=outcome.failure)]
            continue
        group.append((path, outcome.value))
        quads += sum(len(q) for q in outcome.value.graphs.values()) + len(outcome.value.reference_quads)
        if len(group) >= GROUP_DOCUMENTS or quads >= GROUP_QUADS:
            yield _commit_documents(group, store)
            group, quads = [], 0
    if group:
        yield _commit_documents(group, store)


def _commit_documents(group: list[tuple[Path, PreparedDocument]], store: GraphStore) -> list[IngestResult]:
    # A write that fails (a full disk) leaves the documents' graphs as they were or absent, never
    # half written; absent, they have no ingest marker, so the next ingest writes them again.
    if len(group) > 1:
        written = call(commit_group, [p for _, p in group], store)
        if written.error is None and written.failure is None:
            return [IngestResult(path, report=prepared.report) for path, prepared in group]
    # One at a time (a group that failed, too), so that only the document that fails is reported.
    results = []
    for path, prepared in group:
        written = call(commit, prepared, store)
        if written.error is not None or written.failure is not None:
            results.append(IngestResult(path, error=written.error, failure=written.failure))
        else:
            results.append(IngestResult(path, report=prepared.report))
    return results


def load_ontology(store: GraphStore) -> None:
    """Keep the ontology in its own graph, so labels of classes, column meanings
    and grades can be queried beside the data."""
    store.load(ontology_turtle(), ox.RdfFormat.TURTLE, ONTOLOGY_IRI)
