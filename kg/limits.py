"""How large a document budgetkg takes, and the one-line refusal past that.

Ingest is linear in its input, but its constant is large: every record becomes
about 25 triples held as Python objects, reasoned over, validated in an
in-memory store and written in one transaction. A 20,000-row table (60,000
figures, 1.5 million triples) peaked at about 4.6 GB in one process, and a
50 MB text file ended in a ``SystemError`` at 7.5 GB (issue 14). With reasoning,
validation and the write to a store on disk in the same process (``budgetkg
bench --stress``: 2.1 million quads) it peaked at 6.9 GB, about 3 GB of it the
open write transaction; since kg.store writes a document that large in parts, at
2,370 MiB (161 CPU s, measured case by case on a loaded machine), then 2,329 MiB and
81.5 CPU s, the peak set by validation's in-memory dataset (kg.stress_bench). In ``budgetkg
ingest`` the write is the writer's, not the worker's. The largest
real disclosure seen (seed 001, 100 KB) has about 1,000 records, so the
limits below leave two orders of magnitude of headroom and still refuse, in
one line and before any work, what would exhaust the machine.
"""

from __future__ import annotations

from pathlib import Path

from kg.reading import InputError
from kg.records import ParsedDocument

MIB = 2**20
MAX_TEXT_BYTES = 16 * MIB
MAX_PDF_BYTES = 128 * MIB
MAX_RECORDS = 100_000


def check_file_size(path: Path) -> None:
    """Refuse a file larger than its format's limit, from its size alone (nothing is read)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror}") from None
    limit, kind = (MAX_PDF_BYTES, "PDF") if path.suffix.lower() == ".pdf" else (MAX_TEXT_BYTES, "text")
    if size > limit:
        raise InputError(str(path), None, f"expected at most {limit // MIB} MB of {kind} per document; the file has {size / MIB:.1f} MB")


def record_count(document: ParsedDocument) -> int:
    """Figures, targets, indicators, activities, bodies, narrative figures and glossary entries."""
    indicators = sum(len(t.indicators) for t in document.performance) + sum(len(a.indicators) for a in document.activities)
    return len(document.budget_lines) + len(document.performance) + len(document.activities) + indicators + len(document.bodies) + len(document.narrative) + len(document.glossary)


def check_record_count(document: ParsedDocument) -> None:
    """Refuse a parsed document with more records than one ingest can map, reason over and validate."""
    count = record_count(document)
    if count > MAX_RECORDS:
        raise InputError(
            document.source_path,
            None,
            f"expected at most {MAX_RECORDS:,} figures and records per document; found {count:,} (split the document)",
        )
