"""Serialising pyoxigraph results, with the row cap.

Everything is written by Oxigraph's own serialisers; Python never touches a
row. The row cap works on a line-per-row carrier format: SELECT results are
first written as SPARQL TSV and graphs as N-Triples (one row or triple per line,
newlines inside literals are escaped) into a writer that stops evaluation as soon
as it has seen one line more than the cap. The carrier is then cut to the cap
and, unless it was the requested format, parsed back and written in the
requested one by Oxigraph.

When the query's own top-level LIMIT is known (``solution_limit``) and is at
most the cap, the cap cannot bite: SELECT results are then written directly in
the requested format, with no carrier, and ``rows`` is None.

Otherwise SELECT results asked for as JSON or XML are written directly too,
up to ``DIRECT_BYTES``: every row takes at least a few bytes in these formats
(``{},`` and ``<result></result>``), so a body no longer than ``max_rows`` times
that has at most ``max_rows`` rows. Every row also writes a mark that values
cannot make rarer (JSON's ``{``: a value may add more, so its count bounds the
rows; XML's ``<result>``: a value's ``<`` is written ``&lt;``, so its count is
the rows), so a body holding at most ``max_rows`` of them besides those outside
its rows has at most ``max_rows`` rows: a scan of the bytes. Only a body that
neither test clears is
counted exactly (parsed back and written as TSV) and cut if it has too many. A
result that would pass ``DIRECT_BYTES`` stops there and is evaluated again
through the carrier (``ResultTooLarge``), which stops at the cap. This saves the
carrier's two extra passes (about 8% of a 100-row query) on nearly every query.

Why the marks: the length test alone sent every JSON body over 300 KB (at the
default cap of 100,000 rows) through the exact count, which grows with the
answer. The bench mix's sum by unit at 3,000 generated documents (1,500 rows,
477 KB) took 38.9 ms of CPU to evaluate and write and 3.3 ms more to be parsed
back and counted; counting its 4,503 braces takes 0.15 ms (thread CPU, medians
of 9, load ~6).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import IO, Callable, cast

import pyoxigraph as ox

from api.negotiation import NTRIPLES, TSV, Format
from kg.oxigraph_bytes import written

# Fewest bytes a row takes in each directly written format (a row binding nothing).
_MIN_ROW_BYTES = {"json": len(b"{},"), "xml": len(b"<result></result>")}
# What every row writes at least once, how many times the rest of the body does (JSON: the
# document, its head and its results, {"head":{...},"results":{...}}), and whether rows write
# it exactly once: XML's <result> (a value's "<" is escaped), not JSON's "{" (a value may spell
# more). Either way no value can make a body hold fewer (see the module docstring).
_ROW_MARKS = {"json": (b"{", 3, False), "xml": (b"<result>", 0, True)}
# Longest body written directly; a longer result goes through the carrier instead.
DIRECT_BYTES = 64 * 1024 * 1024


class ResultTooLarge(Exception):
    """The result passed ``DIRECT_BYTES``: evaluate it again with ``direct=False``."""


class SerializationError(Exception):
    """The result cannot be written in the chosen format (e.g. RDF 1.2 terms in JSON-LD)."""


@dataclass(frozen=True)
class Serialized:
    body: bytes
    kind: str  # "solutions" | "boolean" | "graph"
    rows: int | None  # rows (or triples) in the body; None for booleans and SELECTs written directly
    truncated: bool


class _Full(Exception):
    pass


class _CappedLines:
    """A binary writer that collects output and stops after ``limit`` lines."""

    def __init__(self, limit: int, deadline: float | None = None) -> None:
        self.limit = limit
        self.deadline = deadline
        self.late = False
        self.parts: list[bytes] = []
        self.lines = 0
        self.full = False

    def write(self, chunk: bytes) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.late = True
            raise _Full
        chunk = bytes(chunk)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            self.full = True
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass

    def first_lines(self, count: int) -> bytes:
        return _first_lines(b"".join(self.parts), count)


class _Collected:
    """A binary writer that collects output; it stops once ``deadline`` (time.monotonic)
    has passed or, with ``max_bytes``, once the output would grow past it."""

    def __init__(self, deadline: float | None, max_bytes: int | None = None) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.late = False
        self.over = False
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.late = True
            raise _Full
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            self.over = True
            raise _Full
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


def _output(writer: _CappedLines | _Collected) -> IO[bytes]:
    # pyoxigraph's stubs ask for an IO[bytes]; it calls only write (and flush) on it.
    return cast(IO[bytes], writer)


def _direct(result: ox.QuerySolutions, fmt: Format, deadline: float | None, max_bytes: int | None = None) -> bytes:
    """``result`` written in ``fmt``, at most ``max_bytes`` of it.

    Raises TimeoutError when ``deadline`` passes while writing, ResultTooLarge past ``max_bytes``.
    """
    if deadline is None and max_bytes is None:
        return written(result.serialize(format=fmt.results_format))
    writer = _Collected(deadline, max_bytes)
    try:
        result.serialize(_output(writer), format=fmt.results_format)
    except Exception:
        if not (writer.late or writer.over):
            raise
    if writer.late:
        raise TimeoutError
    if writer.over:
        raise ResultTooLarge
    return b"".join(writer.parts)


def rows_at_most(body: bytes, fmt: Format) -> int:
    """An upper bound on the rows of a SELECT result ``body`` written in ``fmt``, from a scan of its bytes.

    JSON: every row writes a ``{`` (a value may add more) and the document three
    more; XML: every row one ``<result>`` (a value's ``<`` is escaped); CSV and TSV:
    a header line and a line a row (a CSV value may hold more line breaks).
    """
    if fmt.name == "json":
        return body.count(b"{") - _ROW_MARKS["json"][1]
    if fmt.name == "xml":
        return body.count(b"<result>")
    return body.count(b"\n") - 1


def _first_lines(data: bytes, count: int) -> bytes:
    end = -1
    for _ in range(count):
        end = data.find(b"\n", end + 1)
        if end < 0:
            return data
    return data[: end + 1]


def _direct_with_cap(result: ox.QuerySolutions, fmt: Format, max_rows: int, deadline: float | None) -> Serialized:
    """JSON or XML written directly, then counted (and cut) only if it could exceed the cap."""
    body = _direct(result, fmt, deadline, DIRECT_BYTES)
    if len(body) <= max_rows * _MIN_ROW_BYTES[fmt.name]:
        return Serialized(body, "solutions", None, False)
    mark, outside_rows, once_a_row = _ROW_MARKS[fmt.name]
    at_most = body.count(mark) - outside_rows
    if at_most <= max_rows:
        return Serialized(body, "solutions", at_most if once_a_row else None, False)
    tsv = written(ox.parse_query_results(body, format=fmt.results_format).serialize(format=TSV.results_format))
    rows = max(0, tsv.count(b"\n") - 1)
    if rows <= max_rows:
        return Serialized(body, "solutions", rows, False)
    cut = ox.parse_query_results(_first_lines(tsv, max_rows + 1), format=TSV.results_format)
    return Serialized(written(cut.serialize(format=fmt.results_format)), "solutions", max_rows, True)


def _capped(write: Callable[[IO[bytes]], object], limit: int, deadline: float | None) -> tuple[bytes, int, bool]:
    """Run ``write(writer)``; return the first ``limit`` lines, their count and whether more existed.

    Raises TimeoutError when ``deadline`` (time.monotonic) passes while writing.
    """
    writer = _CappedLines(limit, deadline)
    try:
        write(_output(writer))
    except _Full:
        pass
    except Exception:
        if not (writer.full or writer.late):
            raise
    if writer.late:
        raise TimeoutError
    if writer.full:
        return writer.first_lines(limit), limit, True
    data = b"".join(writer.parts)
    return data, data.count(b"\n"), False


def serialize(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    fmt: Format,
    *,
    max_rows: int,
    prefixes: dict[str, str] | None = None,
    deadline: float | None = None,
    solution_limit: int | None = None,
    direct: bool = True,
    max_bytes: int | None = None,
    max_solutions: int | None = None,
) -> Serialized:
    """Write ``result`` in ``fmt``, at most ``max_rows`` rows (or triples).

    ``solution_limit`` is the query's own top-level LIMIT when known; ``direct=False``
    forces the carrier (after ResultTooLarge). ``max_bytes`` writes SELECT results
    directly and raises ResultTooLarge past that many bytes: for callers that know
    the cap cannot bite (``api.lookups``). ``max_solutions`` has Oxigraph write SELECT
    results straight to bytes and raises ResultTooLarge when they may hold more rows
    than that (``rows_at_most``): for a query whose text bounds its rows (a lookup run
    with a LIMIT), and 12 µs cheaper a point lookup than ``max_bytes``' writer (73 against
    85 µs of CPU to evaluate and write, medians of 30 x 1,000 interleaved, in-process).
    See the module docstring.
    """
    if isinstance(result, ox.QueryBoolean):
        return Serialized(written(result.serialize(format=fmt.results_format)), "boolean", None, False)
    try:
        if isinstance(result, ox.QuerySolutions):
            if max_solutions is not None:
                body = written(result.serialize(format=fmt.results_format))
                if rows_at_most(body, fmt) > max_solutions:
                    raise ResultTooLarge
                return Serialized(body, "solutions", None, False)
            if max_bytes is not None:
                return Serialized(_direct(result, fmt, deadline, max_bytes), "solutions", None, False)
            if solution_limit is not None and solution_limit <= max_rows:
                return Serialized(_direct(result, fmt, deadline), "solutions", None, False)
            if direct and fmt.name in _MIN_ROW_BYTES:
                return _direct_with_cap(result, fmt, max_rows, deadline)
            # Header line + max_rows rows.
            tsv, lines, truncated = _capped(lambda w: result.serialize(w, format=TSV.results_format), max_rows + 1, deadline)
            rows = max(0, lines - 1)
            if fmt is TSV:
                return Serialized(tsv, "solutions", rows, truncated)
            solutions = ox.parse_query_results(tsv, format=TSV.results_format)
            return Serialized(written(solutions.serialize(format=fmt.results_format)), "solutions", rows, truncated)
        nt, rows, truncated = _capped(lambda w: result.serialize(w, format=NTRIPLES.rdf_format), max_rows, deadline)
        if fmt is NTRIPLES:
            return Serialized(nt, "graph", rows, truncated)
        return Serialized(serialize_graph(nt, fmt, prefixes), "graph", rows, truncated)
    except (TimeoutError, ResultTooLarge):
        raise
    except (OSError, ValueError, SyntaxError) as error:
        raise SerializationError(f"the result cannot be written as {fmt.media_type}: {error}") from None


def serialize_graph(ntriples: bytes, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    quads = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        return written(ox.serialize(quads, format=fmt.rdf_format, prefixes=prefixes or {}))
    return written(ox.serialize(quads, format=fmt.rdf_format))
