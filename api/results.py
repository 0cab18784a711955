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
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyoxigraph as ox

from api.negotiation import Format, NTRIPLES, TSV


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
        data = b"".join(self.parts)
        end = -1
        for _ in range(count):
            end = data.index(b"\n", end + 1)
        return data[: end + 1]


class _Collected:
    """A binary writer that collects output and stops once ``deadline`` (time.monotonic) has passed."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.late = False
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        if time.monotonic() > self.deadline:
            self.late = True
            raise _Full
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


def _direct(result: ox.QuerySolutions, fmt: Format, deadline: float | None) -> bytes:
    """``result`` written in ``fmt`` with no cap. Raises TimeoutError when ``deadline`` passes while writing."""
    if deadline is None:
        return result.serialize(format=fmt.oxigraph)
    writer = _Collected(deadline)
    try:
        result.serialize(writer, format=fmt.oxigraph)
    except Exception:
        if not writer.late:
            raise
    if writer.late:
        raise TimeoutError
    return b"".join(writer.parts)


def _capped(write, limit: int, deadline: float | None) -> tuple[bytes, int, bool]:
    """Run ``write(writer)``; return the first ``limit`` lines, their count and whether more existed.

    Raises TimeoutError when ``deadline`` (time.monotonic) passes while writing.
    """
    writer = _CappedLines(limit, deadline)
    try:
        write(writer)
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
) -> Serialized:
    """Write ``result`` in ``fmt``, at most ``max_rows`` rows (or triples).

    ``solution_limit`` is the query's own top-level LIMIT when known; see the module docstring.
    """
    if isinstance(result, ox.QueryBoolean):
        return Serialized(result.serialize(format=fmt.oxigraph), "boolean", None, False)
    try:
        if isinstance(result, ox.QuerySolutions):
            if solution_limit is not None and solution_limit <= max_rows:
                return Serialized(_direct(result, fmt, deadline), "solutions", None, False)
            # Header line + max_rows rows.
            tsv, lines, truncated = _capped(lambda w: result.serialize(w, format=TSV.oxigraph), max_rows + 1, deadline)
            rows = max(0, lines - 1)
            if fmt is TSV:
                return Serialized(tsv, "solutions", rows, truncated)
            solutions = ox.parse_query_results(tsv, format=TSV.oxigraph)
            return Serialized(solutions.serialize(format=fmt.oxigraph), "solutions", rows, truncated)
        nt, rows, truncated = _capped(lambda w: result.serialize(w, format=NTRIPLES.oxigraph), max_rows, deadline)
        if fmt is NTRIPLES:
            return Serialized(nt, "graph", rows, truncated)
        return Serialized(serialize_graph(nt, fmt, prefixes), "graph", rows, truncated)
    except TimeoutError:
        raise
    except (OSError, ValueError, SyntaxError) as error:
        raise SerializationError(f"the result cannot be written as {fmt.media_type}: {error}") from None


def serialize_graph(ntriples: bytes, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    quads = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        return ox.serialize(quads, format=fmt.oxigraph, prefixes=prefixes or {})
    return ox.serialize(quads, format=fmt.oxigraph)
