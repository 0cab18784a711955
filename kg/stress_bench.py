"""The stress benchmark: documents shaped to expose super-linear ingest.

``budgetkg bench --stress`` builds, from the shipped tab-layout example, a row of
10,000 cells, a table of 20,000 rows, a document of 200 tables and the example
repeated 200 times (1,000 tables), and ingests each through the whole pipeline
(parse, map, reason, validate, the write to a store on disk) in a fresh process, so
that its peak memory is its own. Each should take seconds: issue 14 measured
the 10,000-cell row still running after 120 s, 20,000 rows at 86 s and 4.2 GB
without reasoning or validation, and the repeated example at 280 s and 2.2 GB.

With the native store write (kg.store), everything on, on 2 cores loaded 11-15 by
other work (so wall seconds are mostly waiting: the CPU column is the case's own):
10,000-cell row 190 s wall, 13 CPU s, 750 MiB; 20,000 rows 1,849 s wall, 217 CPU s,
6.9 GB; 200 tables 55-82 s wall, 8-9 CPU s, 400 MiB; 1,000 tables 642 s wall,
87 CPU s, 1.5 GB.

Then (each case alone through ``measure``, load 11-13): the 20,000-row table 1,432 s
wall, 282 CPU s, 6,945 MiB with one transaction for its about 3 million quads (2.06 million
mapped, reference and inferred, the rest mostly its summary); 803 s wall, 161 CPU s, 2,370 MiB
after kg.store writes a replace past 100,000 quads in parts (bulk_extend under a journal:
the 2,000-row table's 290,000 quads 2.2 CPU s instead of 8.8) and the validation engine
counts every sh:minCount/sh:maxCount of a target set in one query (5,000 rows: 5.3 -> 1.2
CPU s). 200 tables: 82 s wall, 9.8 CPU s, 224 MiB; the 10,000-cell row 48 s wall,
6.7 CPU s, 352 MiB. Still short of "seconds": at 5,000 rows
(15,000 figures, 725,000 quads) preparing took about 14 CPU s, validation half of it
(building its in-memory dataset 2.3 s, the shapes' SPARQL about 4 s, led by code-parent,
hierarchy and row-total), then reasoning and the summary about 2.4 s each, mapping 1.2;
no step grew faster than the rows from 2,000 to 5,000.

Step by step (session 12: each step of ``prepare_document`` and the commit timed in one
process, CPU s, the long table at 2,000 / 5,000 / 20,000 rows, load 1-7): parse 0.14 / 0.37 /
1.6, map 0.42 / 1.27 / 7.2, reasoning 0.78 / 1.92 / 9.1, validation 2.3 / 7.5 / 82, the summary
0.79 / 1.85 / 8.4, the write 2.2 / 7.0 / 42.5. Validation (11x for 4x the rows) and the write
(6x) are what grows faster than the input; the rest is a large constant: about 3 µs and
580 bytes per ``pyoxigraph.Quad`` held (1.4 million for the table's figures: 814 MiB), and
Python's cyclic collector re-scanning them all (every quad is a tracked object). Paused
while a document is prepared (kg.collection), at 20,000 rows map 7.2 -> 3.9, reasoning
9.1 -> 7.8, validation 82 -> 74, summary 8.4 -> 6.2 CPU s; reasoning keeps its input's order
instead of sorting 500,000 entailments (5,000 rows, with the pause: 1.92 -> 1.05 CPU s) and
the summary stages 26% fewer quads. With all three and the session's validation changes,
step by step at 20,000 rows (load 5-7): parse 1.7, map 5.0, reasoning 4.2, validation 18.2,
the summary 6.0, the write 39.2 CPU s (74 in all, was 151), peak 2,336 MiB. The whole case
through ``measure`` (load 11-14, with the session's store changes too): 81.5 CPU s (was 161;
292 s wall, 73 of them validating, 149 writing), peak 2,329 MiB, set by validation's
in-memory dataset. Two new shapes were quadratic for a while (group-total paired every two
cells' labels of a row, narrative-three-public-blank read every printed line per figure): the
10,000-cell row exhausted memory (killed at 21 GB) and the 200-table document took 196 CPU s.
Linear since 70a298f: at that commit, case by case (load 3-6), the 10,000-cell row 5.0 CPU s /
351 MiB, 200 tables 8.6 CPU s / 217 MiB, the 20,000-row table 80.4 CPU s / 2,327 MiB.

The write (session 13, kg/store.py says more). Nearly all of it is the engine's bulk loader,
about 10 µs of CPU a quad (perf: sorting and allocating keys, writing sorted files); the Python
side is under 1 µs. Parts of 500,000 quads instead of 100,000 wrote a third of the bytes and
used less CPU under load, but on an idle machine the table's write took 21.6 s wall and 25.3
CPU s instead of 13.1-14.5 and 22.1-24.6 (small parts let RocksDB merge on the second core), with more
memory: the parts stay at 100,000.
Its 2.9 million quads cannot be written in seconds on this engine: 22-25 CPU s
on an idle machine, about 8 µs a quad; fewer quads (the summary is 920,000 of them, a third) is what would
bring it down. A re-ingest (``--force``) deleted every
old quad first (68 CPU s for this table, by SPARQL DELETE in transactions of 100,000); it now
removes and writes only what changed: on an idle machine the table re-ingests in 16.7 s wall
instead of 63.4 (21.1 CPU s instead of 79.9), the 5,000-row table in 4.5 s instead of 13.6.

Validation (session 13). ``validate_quads`` alone on the long table, best of 2-3 in one process,
side by side with 27bb7c8 at load 5-11: 2,000 / 5,000 / 20,000 rows 1.16 / 2.93 / 12.46 ->
0.94 / 2.73 / 10.97 CPU s; building its dataset 0.34 / 1.03 / 4.21 of that (about 2 µs a quad,
as before), the shapes 0.81 / 2.06 / 8.28 -> 0.59 / 1.70 / 6.75, now 4.0x for 4x the rows from
5,000 to 20,000 (4.25x before). Two shapes read every figure to find nothing on a table of 项
rows: hierarchy starts from the codes some code has for skos:broader, so a table without a
parent row never reads its child side (1.9 -> 0.08 CPU s at 20,000 rows), and tables-agree
from the revenue tables (0.45 -> 0.07; 5.6 -> 0.03 on the 1,000-table document). Same results
and messages on the seeds, examples, the four PDFs and 18 mutated seeds. Each step of
``prepare_document`` timed in one process at 20,000 rows (load 8-11): parse 1.1, map 3.5,
reasoning 3.8, validation 13.1, the summary 4.6 CPU s, from 5,000 rows 4.2x, 4.5x, 4.6x, 3.8x
and 3.5x for 4x the rows (one run each: ±15% at that load). What is left is a cost per quad held or stored (a pyoxigraph.Quad made
in mapping, reasoning and the summary, about 1 µs; a quad inserted into the dataset, about
2 µs), and in validation code-parent (1.9 CPU s: five passes over the figures, its "first
figure of the code" subquery alone 45%), the count proofs (1.2) and row-total (1.1).
Not kept: the messages' text of row-total made only for totals that are off (two copies of
its join; 0.25 -> 0.18 s at 5,000 rows but 2-3 ms slower on every seed), a FILTER NOT EXISTS
for code-parent's "parent not printed" (Oxigraph scanned the table per figure: a 5,000-row
tree of 类/款/项 rows took 90 s), the dataset without the predicates no shape reads (16% of
the quads, 10-15% of its build). The example repeated 200 times (1,000 tables) was the case
that still grew with the square of its size: validation 144 CPU s, nearly all shapes that
compared every prose statement with every copy's tables (narrative-three-public-parts 42,
-blank 28, narrative-restated 16, class-name 12).

Session 14: each of those shapes joins a statement only with what it can match, on an equal key
(shapes/README.md, "Never let two sides meet through the document"). ``validate_quads`` alone on
the example repeated 50 / 200 times (one process, load 5-7): 9.8 / 155.5 -> 2.2 / 9.2 CPU s, the
shapes' SPARQL 9.3 / 153 -> 1.3-1.6 / 6.2-6.5, each group 3-6x the time for 4x the copies but
narrative-sources (0.6 CPU s at 200 copies, 6-7x). Same results and
messages on the seeds, the examples, the four 决算 PDFs and 375 seeded one-figure mutations of the
seeds. The whole case alone through ``measure`` at 48cd999 (validation 12.9 CPU s then, load 5-6):
22.7 CPU s, 101.6 s wall (of which validation 63.5 and the write 21.6, mostly waiting on the other
work), peak 626 MiB; at 2b66db9 with the machine nearly idle (load 1.7): 15.3 CPU s, 17.3 s wall
(validation 8.3, the write 5.1), peak 627 MiB.

Session 14, the 20,000-row table (kg.mapping, kg.reasoning, kg.summary, kg.ingest). The mapping
made a code name's six quads once per figure carrying its code (three a row here): 240,000 of the
table's 1,400,053 mapped quads were made twice (24,000 of 140,053 at 2,000 rows). Each is made
once now; reasoning makes what it entails about the shared codes in the reference graph at once
(it made them in the inferred graph, then again, and filtered the 420,000 inferred quads twice);
the summary makes its repeated terms once. Same stored graph: the seeds, examples and four PDFs
ingested before and after export the same sorted N-Quads. Each step of ``prepare_document`` in
one process (load 6-9, two alternating runs each, 99286d0 -> 4a406e4): 32.9 and 28.3 -> 30.2 and
25.0 CPU s, peak 2,208 -> 2,005 MiB. The whole case through ``measure`` (load 5-7, alternating):
peak 2,323-2,330 -> 2,093-2,095 MiB, but CPU 58.5-66.8 -> 68.6-70.6 s, the difference all in the
write, whose CPU varies by a quarter from run to run under load. The write did not get cheaper
for 240,000 fewer quads: the same prepared table committed in one process as it is and with the
duplicates put back took 50.4 and 44.9 against 45.5 and 43.9 CPU s (the bulk loader sorts a
duplicate away at little cost). What is left per quad made: pyoxigraph builds a quad whose
object is a literal in about 1.8 µs, one whose object is an IRI in 0.25 (its constructor tries
an IRI and a blank node first), and two in five of the mapped and summary quads carry a literal.
The stored count cannot shrink without changing answers: a type the ontology entails would only
move from the document's graph to its inferred graph, and the summary graph is not reasoned over.
"""

from __future__ import annotations

import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.examples import write_examples
from kg.ingest import commit, prepare_document
from kg.settings import Settings
from kg.store import OxigraphStore

_TITLE = "示例市河湾区教育局2024年单位预算公开\n\n"
_EXPENDITURE = "单位支出总表\n\n902015 示例市河湾区教育局\n\n预算年度：2024\n\n单位：万元\n\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
# 类 codes under which the long table's 项 codes are spread (99 款 x 99 项 each).
_CATEGORIES = ("201", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216")


def wide_row(cells: int, example: str) -> str:
    """One expenditure row of ``cells`` cells: every figure past the header's columns repeats a meaning."""
    figures = "\t".join(f"{n % 1000 + 1}.00" for n in range(cells - 2))
    return f"{_TITLE}{_EXPENDITURE}205\t教育支出\t{figures}\n"


def long_table(rows: int, example: str) -> str:
    """An expenditure table of ``rows`` distinct 项 codes, each row adding up (3.00 = 1.00 + 2.00)."""
    codes = (f"{c}{k:02d}{j:02d}" for c in _CATEGORIES for k in range(1, 100) for j in range(1, 100))
    body = "\n".join(f"{code}\t科目{n}\t3.00\t1.00\t2.00" for n, code in zip(range(rows), codes))
    return f"{_TITLE}{_EXPENDITURE}{body}\n"


def many_tables(tables: int, example: str) -> str:
    """The example document repeated until it holds ``tables`` tables (it has five)."""
    return "\n\n".join([example] * max(1, tables // 5))


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[int, str], str]
    size: int


CASES = (
    Case("row of 10,000 cells", wide_row, 10_000),
    Case("table of 20,000 rows", long_table, 20_000),
    Case("document of 200 tables", many_tables, 200),
    Case("example x 200 (1,000 tables)", many_tables, 1_000),
)


@dataclass(frozen=True)
class Timing:
    seconds: float
    cpu: float  # this process's CPU seconds: on a shared machine, wall time says more about the others
    reasoning: float
    validation: float
    commit: float
    triples: int
    peak_mib: float
    error: str | None = None


def _ingest(path: Path, settings: Settings) -> Timing:
    """Runs in its own process: prepare and commit one document into a fresh store on disk,
    as ``budgetkg ingest`` does (writing to disk costs several times what writing to memory does)."""
    started, cpu = time.perf_counter(), time.process_time()
    prepared = prepare_document(path, settings)
    committing = time.perf_counter()
    store = OxigraphStore(path.with_suffix(".store"))
    commit(prepared, store)
    store.flush()
    ended = time.perf_counter()
    report = prepared.report
    return Timing(
        ended - started,
        time.process_time() - cpu,
        report.reasoning_seconds,
        report.validation_seconds,
        ended - committing,
        report.triples + report.inferred,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def measure(case: Case, work: Path, example: str, settings: Settings) -> Timing:
    path = work / f"stress-{case.build.__name__}-{case.size}.txt"
    path.write_text(case.build(case.size, example), encoding="utf-8")
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_ingest, path, settings).result()
        except Exception as error:  # noqa: BLE001 - a failing case is a row of the table, not the end of it
            return Timing(0, 0, 0, 0, 0, 0, 0, error=f"{type(error).__name__}: {error}")


def run_stress_benchmark(settings: Settings) -> None:
    print(f"{'document':30} {'KiB':>6} {'seconds':>8} {'CPU s':>8} {'reason s':>8} {'valid s':>8} {'commit s':>8} {'triples':>9} {'peak MiB':>8}")
    with tempfile.TemporaryDirectory(prefix="budgetkg-stress-") as tmp:
        work = Path(tmp)
        example = next(p for p in write_examples(work / "examples") if p.stem == "example_tab_bureau").read_text(encoding="utf-8")
        for case in CASES:
            t = measure(case, work, example, settings)
            size = (work / f"stress-{case.build.__name__}-{case.size}.txt").stat().st_size / 1024
            if t.error:
                print(f"{case.name:30} {size:6.0f} failed: {t.error}", flush=True)
                continue
            print(
                f"{case.name:30} {size:6.0f} {t.seconds:8.1f} {t.cpu:8.1f} {t.reasoning:8.1f} {t.validation:8.1f} {t.commit:8.1f} {t.triples:9,} {t.peak_mib:8.0f}",
                flush=True,
            )
    print("seconds: parse + map + reason + validate + store write (kg.store), in a fresh process; CPU s is that process's CPU time (peak MiB is its own).")
