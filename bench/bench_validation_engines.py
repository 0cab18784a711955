"""Both validation engines' time per document (issue 11 item 4), for the README's table.

    python bench/bench_validation_engines.py [--repeat 3] PATH...

For each document, in a fresh process: parse, map and infer it, then time validation
alone (``validate_quads(quads, id, settings, engine=…)`` on its mapped, reference and
inferred quads) in CPU seconds of this process: the default engine (Oxigraph) best of
``--repeat``, pyshacl twice. pyshacl's first run includes parsing the shapes' queries
with rdflib (pyparsing, ~0.2 s each: 27 CPU s for the 136 queries of every family,
measured on a machine loaded 10-11 on 2 cores), paid once per process; the second is
what each further document costs. CPU figures, because the machine this was written on
is shared and wall times move with its load. Prints one markdown row per document, with
the number of results of each engine (they must be equal).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.iris import Iris  # noqa: E402
from kg.mapping import map_document  # noqa: E402
from kg.parse import parse_file  # noqa: E402
from kg.reasoning import infer  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.validation import validate_quads  # noqa: E402


def _timed(quads: list[ox.Quad], document_id: str, settings: Settings, engine: str) -> tuple[float, int]:
    started = time.process_time()
    report = validate_quads(quads, document_id, settings, engine=engine)
    return time.process_time() - started, len(report.results)


def measure(path: Path, repeat: int) -> str:
    """One markdown row: document, quads, default engine (best of ``repeat``), pyshacl first
    and second run, the results of each engine."""
    settings = Settings()
    document = parse_file(path)
    mapped = map_document(document, settings)
    quads = mapped.quads + mapped.reference_quads
    quads += infer(quads, Iris(settings.base_iri).inferred_graph(document.document_id)).quads
    fast = [_timed(quads, document.document_id, settings, "oxigraph") for _ in range(repeat)]
    first = _timed(quads, document.document_id, settings, "pyshacl")
    second = _timed(quads, document.document_id, settings, "pyshacl")
    return f"| {path.stem} | {len(quads):,} | {min(t for t, _ in fast):.2f} | {first[0]:.1f} | {second[0]:.1f} | {fast[0][1]} / {first[1]} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the default engine (the best is printed)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # one document, this process
    args = parser.parse_args()
    if args.in_process:
        print(measure(args.paths[0], args.repeat), flush=True)
        return 0
    print("| document | quads | oxigraph (CPU s, best) | pyshacl first (CPU s) | pyshacl again (CPU s) | results oxigraph / pyshacl |")
    print("|---|---:|---:|---:|---:|---|", flush=True)
    for path in args.paths:
        # a fresh process per document, so that every "first" pays the same query parsing
        subprocess.run([sys.executable, __file__, "--in-process", "--repeat", str(args.repeat), str(path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
