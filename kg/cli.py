"""The ``budgetkg`` command line.

Exit codes: 0 success; 1 bad input (one line naming file and line); 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.oxigraph_bytes import written
from kg.reading import InputError
from kg.runners import Runner, RunnerError
from kg.settings import DEFAULT_BASE_IRI, Settings
from kg.store import EXPORT_FORMATS, OxigraphStore, StoreError, open_store, require_store
from kg.workers import describe


class CommandError(Exception):
    """A failure to report on one line and exit 1."""


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        base_iri=args.base_iri,
        reason=not getattr(args, "no_reason", False),
        validate=not getattr(args, "no_validate", False),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from kg.ingest import find_documents

    settings = _settings(args)
    documents = find_documents(args.paths)
    if not documents:
        raise CommandError(f"{' '.join(args.paths)}: expected budget documents (*.txt, *.md, *.pdf); found none")
    # The runner first: an unreachable scheduler is refused before a store is created.
    with _runner(args) as runner:
        return _ingest(args, documents, settings, runner)


def _runner(args: argparse.Namespace) -> Runner:
    if args.scheduler:
        from kg.runners.dask import DaskRunner

        return DaskRunner.connect(args.scheduler)
    from kg.runners.local import LocalRunner

    return LocalRunner(args.workers if args.workers is not None else (os.cpu_count() or 1))


def _ingest(args: argparse.Namespace, documents: list[Path], settings: Settings, runner: Runner) -> int:
    from tqdm import tqdm

    from kg.ingest import ingest_many, load_ontology

    store = open_store(args.store)
    load_ontology(store)
    failures = skipped = 0
    started = time.perf_counter()
    progress = tqdm(total=len(documents), unit="doc", file=sys.stderr, disable=args.quiet or not sys.stderr.isatty())
    print(f"{'document':40} {'tables':>6} {'records':>7} {'triples':>7} {'warnings':>8} {'seconds':>7}")
    for result in ingest_many(documents, store, settings, skip_unchanged=not args.force, runner=runner):
        progress.update()
        progress.set_postfix_str(f"{progress.n / max(time.perf_counter() - started, 1e-9):.1f} doc/s")
        if result.skipped:
            skipped += 1
            if not args.quiet:
                progress.write(f"{result.path.stem:40} unchanged, skipped")
            continue
        if result.message is not None:
            failures += 1
            print(f"budgetkg: error: {result.message}", file=sys.stderr)
            if args.debug and result.failure is not None and result.failure.detail:
                print(result.failure.detail, file=sys.stderr, end="")
            continue
        report = result.report
        assert report is not None  # neither skipped nor refused: ingested, with its report
        print(
            f"{report.document_id:40} {report.tables:6} {report.records:7} {report.triples:7} "
            f"{report.warnings:8} {report.seconds:7.3f}" + (f"  {report.violations} violations, {report.warnings_found} warnings" if report.violations is not None else "")
        )
    progress.close()
    store.flush()
    ingested = len(documents) - failures - skipped
    print(f"{ingested} of {len(documents)} documents ingested into {args.store} by {runner} ({skipped} unchanged, skipped; {failures} refused)")
    return 1 if failures else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.iris import Iris
    from kg.validation import cross_document_report, document_ids, report_as, report_quads, validate_stored_document

    settings = _settings(args)
    store = open_store(args.store, create=False)
    iris = Iris(settings.base_iri)
    documents = document_ids(store, settings)
    if args.document:
        if args.document not in documents:
            raise CommandError(f"{args.document}: no such document in {args.store}")
        documents = [args.document]
    violations = 0
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if isinstance(store, OxigraphStore) and store.path is not None and workers > 1 and len(documents) > 1:
        from kg.validation.parallel import validate_stored_documents

        reports = validate_stored_documents(store.path, documents, settings, engine=args.engine, workers=min(workers, len(documents)))
    else:
        reports = (validate_stored_document(store, document_id, settings, engine=args.engine) for document_id in documents)
    for document_id, report in zip(documents, reports):
        store.replace_graph(iris.validation_graph(document_id).value, report_quads(report, settings))
        violations += report.count("Violation")
        print(report_as(report, args.format))
    if not args.document:
        # Checks no single document can make: one code printed with different names.
        print(report_as(cross_document_report(store, settings), args.format))
    store.flush()
    return 1 if violations else 0


def cmd_export(args: argparse.Namespace) -> int:
    store = open_store(args.store, create=False)
    data = store.export(EXPORT_FORMATS[args.format], args.graph)
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _solutions_as_table(result: ox.QuerySolutions) -> str:
    names = [v.value for v in result.variables]
    rows = [[_term_text(solution[name]) for name in names] for solution in result]
    widths = [max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = [" | ".join(_pad(name, w) for name, w in zip(names, widths))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(_pad(cell, w) for cell, w in zip(row, widths)) for row in rows)
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


def _term_text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def cmd_query(args: argparse.Namespace) -> int:
    from kg.vocabulary import sparql_prefixes

    store = open_store(args.store, create=False)
    try:
        result = store.query(sparql_prefixes() + args.sparql)
    except SyntaxError as error:
        raise CommandError(f"query: {error}") from None
    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
    elif isinstance(result, ox.QueryTriples):
        sys.stdout.buffer.write(written(result.serialize(format=ox.RdfFormat.TURTLE)))
    elif args.format == "table":
        print(_solutions_as_table(result))
    else:
        formats = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
        sys.stdout.buffer.write(written(result.serialize(format=formats[args.format])))
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if not args.format else EXPORT_FORMATS[args.format]
    except ValueError:
        fmt = None
    if fmt is None:
        raise CommandError(f"{path}: cannot tell the RDF format from the extension; give --format")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot read file: {error.strerror}") from None
    store = open_store(args.store)
    try:
        store.load(data, fmt, args.graph)
    except SyntaxError as error:
        raise CommandError(f"{path}:{getattr(error, 'lineno', '') or ''}: expected {fmt.name}: {error}") from None
    # Out of the write-ahead log: every read-only open (each server worker)
    # replays it, 13.8 s per process for 493k loaded triples (issue 13).
    store.flush()
    print(f"loaded {path} into graph <{args.graph}>")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    store = open_store(args.store, create=False)
    graphs = store.graphs()
    print(f"store: {args.store}")
    print(f"quads: {len(store)}")
    print(f"graphs: {len(graphs)}")
    for graph in graphs:
        count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(count, ox.QuerySolutions)  # a SELECT
        n = next(iter(count))["n"].value
        print(f"  {graph}  {n} triples")
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    """Rebuild every document's summary graph (kg.summary) from its stored figures, and the
    name index of every stored unit (kg.name_index)."""
    from kg import name_index
    from kg.summary import rebuild_summaries, stored_document_ids

    settings = _settings(args)
    store = open_store(args.store, create=False)
    ids = stored_document_ids(store, settings)
    written = rebuild_summaries(store, settings, ids)
    pieces = name_index.rebuild(store, settings)
    store.flush()
    print(f"summaries of {len(ids)} documents rebuilt: {written} quads; name index: {pieces} quads")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from api.config import ServerConfig
    from api.server import run

    if args.store.startswith(("http://", "https://")):
        # The server reads an embedded store (its query workers open snapshots of the directory):
        # a URL here became a local directory named "http:" holding a new, empty store, served.
        raise CommandError(f"{args.store}: serve needs a store directory; a remote store answers SPARQL at its own endpoint (docs/remote-store.md)")
    require_store(args.store)
    run(
        ServerConfig(
            store=args.store,
            host=args.host,
            port=args.port,
            base_iri=args.base_iri,
            update_token=args.update_token,
            allow_update=args.allow_update,
            query_timeout_s=args.timeout,
            max_rows=args.max_rows,
            query_workers=args.workers,
            max_waiting=args.queue,
            worker_max_queries=args.worker_max_queries,
            worker_max_memory_mb=args.worker_max_memory,
            read_timeout_s=args.read_timeout,
            max_header_bytes=args.max_header_bytes,
        )
    )
    return 0


def cmd_examples(args: argparse.Namespace) -> int:
    from kg.examples import write_examples

    for path in write_examples(Path(args.out)):
        print(path)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.fuzz is not None:
        return _fuzz(args, settings)
    if args.mutations is not None:
        return _mutations(args, settings)
    if args.stress:
        from kg.stress_bench import run_stress_benchmark

        run_stress_benchmark(settings)
    elif args.paths:
        from kg.bench import run_ingest_benchmark

        run_ingest_benchmark(args.paths, settings, repeat=args.repeat)
    else:
        from kg.scale_bench import run_scale_benchmark

        run_scale_benchmark(settings, large=args.large, workers=args.workers, runs=args.runs)
    return 0


def _mutations(args: argparse.Namespace, settings: Settings) -> int:
    """``bench --mutations N PATH…``: N single-figure mutations of each document, validated; the catch rate."""
    from kg.ingest import find_documents
    from kg.mutation_bench import run_mutation_benchmark

    documents = find_documents(args.paths)
    if not documents:
        raise CommandError("bench --mutations: expected documents to mutate (PATH: seed files or folders)")
    run_mutation_benchmark(documents, args.mutations, args.seed, settings, shown=None if args.show_all else 20)
    return 0


def _fuzz(args: argparse.Namespace, settings: Settings) -> int:
    """``bench --fuzz N PATH…``: N seeded mutations of the documents at PATH; 1 if any failed or left the store inconsistent."""
    import tempfile

    from kg.fuzz import fuzz, mutations, summary
    from kg.ingest import find_documents, load_ontology

    seeds = find_documents(args.paths)
    if not seeds:
        raise CommandError("bench --fuzz: expected documents to mutate (PATH: seed files or folders)")
    store = open_store(None)
    load_ontology(store)
    with tempfile.TemporaryDirectory(prefix="budgetkg-fuzz-") as tmp:
        corpus = mutations(seeds, args.fuzz, Path(tmp), seed=args.seed)
        started = time.perf_counter()
        results = []
        for result in fuzz(corpus, store, settings):
            results.append(result)
            # A 1,000-document run takes many minutes: say how far it is (stderr, so the
            # summary on stdout stays the whole answer).
            if len(results) % 50 == 0 or len(results) == len(corpus):
                failed = sum(r.outcome == "failed" for r in results)
                print(f"fuzz: {len(results)}/{len(corpus)} documents, {failed} failed, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        print(summary(results))
    print(f"{len(results)} mutations of {len(seeds)} documents in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    return 1 if any(r.outcome == "failed" or not r.consistent for r in results) else 0


def cmd_generate(args: argparse.Namespace) -> int:
    from kg.generate import generate
    from kg.pdf_writer import MissingFontError

    try:
        paths = generate(args.units, args.years, Path(args.out), seed=args.seed, errors=args.errors, fmt=args.format, final_accounts=args.final_accounts)
    except (ValueError, MissingFontError) as error:
        raise CommandError(str(error)) from None
    print(f"{len(paths)} files and manifest.json written to {args.out}")
    return 0


# What --store takes for the commands that read a store that exists already (open_store(create=False)).
STORE_HELP = "a store directory made by ingest or load, or the URL of a SPARQL 1.1 store (docs/remote-store.md)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budgetkg",
        description="Turn budget disclosures (部门预算/单位预算公开) into a knowledge graph, and query and serve it.",
    )
    parser.add_argument("--version", action="version", version=f"budgetkg {__version__}")
    parser.set_defaults(error_exit=1)
    parser.add_argument("--base-iri", default=DEFAULT_BASE_IRI, help=f"base of every IRI the graph mints (default {DEFAULT_BASE_IRI})")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an unexpected failure (a bug) after its one-line message")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="parse, reason over and validate documents, here or on a Dask cluster; one named graph per document")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="document files or folders of them")
    ingest.add_argument("--store", required=True, metavar="DIR", help="Oxigraph store directory (created if missing) or the URL of a SPARQL 1.1 store")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--no-reason", action="store_true", help="skip OWL RL reasoning (no inferred graph)")
    ingest.add_argument("--no-validate", action="store_true", help="skip SHACL validation (no report graph)")
    where = ingest.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="worker processes on this machine (default: all cores)")
    where.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="prepare documents (parse, map, reason, validate) on the workers of this Dask scheduler "
        "instead; files travel to them as bytes and are committed here, each document whole or absent "
        "(in groups, one journaled write each: kg/store.py; needs the cluster extra here and on the workers: docs/deployment.md)",
    )
    ingest.add_argument("--force", action="store_true", help="re-ingest documents whose content and settings are unchanged")
    ingest.set_defaults(run=cmd_ingest)

    validate = commands.add_parser("validate", help="check each document against shapes/ (exit 0: no violation, 1: violations, 2: error)")
    validate.add_argument("--store", required=True, metavar="DIR", help=STORE_HELP)
    validate.add_argument("--document", metavar="ID", help="only this document (its file stem)")
    validate.add_argument("--format", choices=["text", "json", "turtle", "html"], default="text", help="the report's format (default text)")
    validate.add_argument(
        "--engine",
        choices=["oxigraph", "pyshacl"],
        default="oxigraph",
        help="oxigraph: the fast engine (kg/validation/engine.py); pyshacl: the same shapes through pyshacl, the reference implementation (minutes per document; same results)",
    )
    validate.add_argument("--workers", type=int, metavar="N", help="validating processes, each reading its own view of an on-disk store (default: all cores; 1: in this process)")
    validate.set_defaults(run=cmd_validate, error_exit=2)

    export = commands.add_parser("export", help="write the graph (or one document's graph) as RDF")
    export.add_argument("--store", required=True, metavar="DIR", help=STORE_HELP)
    export.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="nquads", help="RDF syntax (default nquads)")
    export.add_argument("--graph", metavar="IRI", help="only this named graph")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(run=cmd_export)

    query = commands.add_parser("query", help="run a SPARQL query over the union of all documents")
    query.add_argument("--store", required=True, metavar="DIR", help=STORE_HELP)
    query.add_argument("sparql", metavar="SPARQL", help="the query; the prefixes bkg:, skos:, qb: … are predefined")
    query.add_argument("--format", choices=["table", "json", "csv", "tsv"], default="table", help="table (default), or SPARQL results as JSON, CSV or TSV")
    query.set_defaults(run=cmd_query)

    load = commands.add_parser("load", help="load a plain RDF file into a named graph (replacing it)")
    load.add_argument("--store", required=True, metavar="DIR", help="Oxigraph store directory (created if missing) or the URL of a SPARQL 1.1 store")
    load.add_argument("--graph", required=True, metavar="IRI")
    load.add_argument("--format", choices=sorted(EXPORT_FORMATS), help="default: from the file extension")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(run=cmd_load)

    info = commands.add_parser("info", help="what the store holds")
    info.add_argument("--store", required=True, metavar="DIR", help=STORE_HELP)
    info.set_defaults(run=cmd_info)

    summarize = commands.add_parser("summarize", help="rebuild each document's summary figures (kg.summary) from its stored figures, and the units' name index (kg.name_index)")
    summarize.add_argument("--store", required=True, metavar="DIR", help=STORE_HELP)
    summarize.set_defaults(run=cmd_summarize)

    serve = commands.add_parser("serve", help="serve the store: SPARQL endpoint at /sparql, a page for every IRI at /id/…, reports at /validate")
    serve.add_argument("--store", required=True, metavar="DIR", help="the store directory (made by ingest or load)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--update-token", metavar="TOKEN", help="enable SPARQL Update for 'Authorization: Bearer TOKEN'")
    serve.add_argument(
        "--allow-update",
        action="store_true",
        help="enable SPARQL Update without a token, for clients on this machine only: requests from a page on another origin, or naming a host other than an IP address, localhost or --host, are refused (use --update-token otherwise)",
    )
    serve.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per-query time limit (default 30)")
    serve.add_argument("--max-rows", type=int, default=100_000, metavar="N", help="result row cap (default 100000)")
    serve.add_argument("--workers", type=int, default=None, metavar="N", help="query worker processes (default: one per core, at least 2; 0 runs queries in threads, without the hard timeout)")
    serve.add_argument("--queue", type=int, default=64, metavar="N", help="queries that may wait for a busy worker; more get 503 with Retry-After at once (default 64)")
    serve.add_argument("--worker-max-queries", type=int, default=10_000, metavar="N", help="replace a worker after this many queries (default 10000)")
    serve.add_argument("--worker-max-memory", type=int, default=1024, metavar="MIB", help="replace a worker once its resident memory passes this (default 1024)")
    serve.add_argument("--read-timeout", type=float, default=15.0, metavar="SECONDS", help="time a client has to send a request's headers, and again its body (408 after; default 15)")
    serve.add_argument("--max-header-bytes", type=int, default=65_536, metavar="N", help="largest request line and headers (431 beyond; default 65536)")
    serve.set_defaults(run=cmd_serve)

    examples = commands.add_parser("examples", help="write the example documents the project ships")
    examples.add_argument("--out", default="examples", metavar="DIR", help="folder to write them into (default examples)")
    examples.set_defaults(run=cmd_examples)

    bench = commands.add_parser(
        "bench",
        help="benchmarks: with PATHs, per-document ingest speed; without, the scale benchmark on generated corpora",
    )
    bench.add_argument("paths", nargs="*", metavar="PATH", help="documents to time (parse, map, load, reason, validate)")
    bench.add_argument("--repeat", type=int, default=3, help="runs per document (the best is reported; default 3)")
    bench.add_argument("--large", action="store_true", help="scale benchmark: add the 10,000-document corpus")
    bench.add_argument("--workers", type=int, metavar="N", help="scale benchmark: ingest processes (default: all cores)")
    bench.add_argument("--runs", type=int, default=10, help="scale benchmark: runs of the query mix (default 10)")
    bench.add_argument("--stress", action="store_true", help="stress benchmark: a 10,000-cell row, a 20,000-row table, 200 and 1,000 tables in one document")
    bench.add_argument("--fuzz", type=int, metavar="N", help="ingest N seeded mutations of the documents at PATH and count the outcomes")
    bench.add_argument(
        "--mutations", type=int, metavar="N", help="change one printed figure of each document at PATH N times, validate each, and count the changes reported as a new violation at their line"
    )
    bench.add_argument("--show-all", action="store_true", help="mutations: list every mutation not caught at its line (default: the first 20 per document)")
    bench.add_argument("--seed", type=int, default=0, metavar="S", help="fuzz, mutations: the same seed makes the same mutations")
    bench.add_argument("--no-reason", action="store_true", help="skip OWL RL reasoning")
    bench.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    bench.set_defaults(run=cmd_bench)

    generate = commands.add_parser("generate", help="write a realistic corpus of documents (and a manifest of injected errors)")
    generate.add_argument("--units", type=int, required=True, metavar="N", help="budget units, each with one budget a year")
    generate.add_argument("--years", type=int, required=True, metavar="Y", help="fiscal years, from 2022")
    generate.add_argument("--out", required=True, metavar="DIR", help="folder to write the documents and manifest.json into")
    generate.add_argument("--seed", type=int, default=0, metavar="S", help="the same seed writes the same corpus")
    generate.add_argument("--errors", type=float, default=0.0, metavar="RATE", help="share of documents given one injected error")
    generate.add_argument("--final-accounts", action="store_true", help="also write each unit's 决算 for each year beside its budget (…_决算), so the pair links")
    generate.add_argument("--format", choices=["text", "pdf", "both"], default="text", help="text (.txt), pdf (.pdf, needs fonts-noto-cjk) or both for each document")
    generate.set_defaults(run=cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # A Namespace holds Any: every command sets run (set_defaults), the parser error_exit.
    run: Callable[[argparse.Namespace], int] = args.run
    error_exit: int = args.error_exit
    try:
        return run(args)
    except (InputError, CommandError, StoreError, RunnerError, LookupError) as error:
        print(f"budgetkg: error: {error}", file=sys.stderr)
        # validate keeps 1 for "violations found"; its errors exit 2.
        return error_exit
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - one line, never a traceback, unless --debug
        print(f"budgetkg: error: {describe(error)}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return error_exit


if __name__ == "__main__":
    sys.exit(main())
