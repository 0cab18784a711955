"""The quads one document's mapping makes, and the terms they are made of.

A document's own quads go to its named graph; descriptions of what several documents
share (codes, units, projects) to the reference graph (``MappedDocument`` says why).
A term that is not stated (no fiscal year or unit found) is None, and the quads it would
be in are left out rather than written with a made-up value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox

from kg.iris import Iris
from kg.records import Amount, Lines
from kg.vocabulary import BKG, XSD


@lru_cache(maxsize=1024)  # a few dozen columns, stages and kinds, asked for by every figure
def bkg_key(prefix: str, key: str) -> ox.NamedNode:
    """``bkg:column-general-budget`` for ("column", "general_budget")."""
    return BKG[f"{prefix}-{key.replace('_', '-')}"]


def decimal_literal(value: Decimal) -> ox.Literal:
    return ox.Literal(format(value, "f"), datatype=XSD.decimal)


def integer_literal(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


@dataclass
class MappedDocument:
    """The document's own graph, and what it adds to the shared reference graph.

    Descriptions of things several documents mention (classification codes,
    units, projects) go to one reference graph instead of every document's:
    the default graph is the union of all graphs, and a triple repeated in many
    graphs would multiply the rows of every query that joins through it.
    """

    graph: ox.NamedNode
    quads: list[ox.Quad]
    reference_quads: list[ox.Quad]


class DocumentGraph:
    """Collects quads for one document graph and the reference graph."""

    def __init__(self, graph: ox.NamedNode, reference: ox.NamedNode, iris: Iris, doc_id: str, pages: tuple[int, ...] | None = None) -> None:
        self.graph = graph
        self.iris, self.doc_id = iris, doc_id
        self._tables: dict[int, ox.NamedNode] = {}
        self.reference = reference
        self.pages = pages  # page of each source line, when the document has pages
        self.quads: list[ox.Quad] = []
        self.reference_quads: list[ox.Quad] = []

    def table(self, index: int) -> ox.NamedNode:
        """The table's node, made once for all its figures."""
        node = self._tables.get(index)
        if node is None:
            node = self._tables[index] = self.iris.in_document(self.doc_id, "table", index)
        return node

    # A node is None where the document does not state it (no fiscal year or unit
    # found): its triples are left out rather than written with a made-up value.
    def add(self, subject: ox.NamedNode | None, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal | None) -> None:
        if subject is not None and obj is not None:
            self.quads.append(ox.Quad(subject, predicate, obj, self.graph))

    def shared(self, subject: ox.NamedNode | None, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal | None) -> None:
        if subject is not None and obj is not None:
            self.reference_quads.append(ox.Quad(subject, predicate, obj, self.reference))

    def text(self, subject: ox.NamedNode, predicate: ox.NamedNode, value: str | None) -> None:
        if value:
            self.add(subject, predicate, ox.Literal(value))

    def lines(self, subject: ox.NamedNode, lines: Lines) -> None:
        self.source_line(subject, lines.first)
        if lines.last != lines.first:
            self.add(subject, BKG.sourceLineEnd, integer_literal(lines.last))

    def source_line(self, subject: ox.NamedNode, line: int) -> None:
        """Where a thing was read: its line, and its page when the document has pages."""
        self.add(subject, BKG.sourceLine, integer_literal(line))
        page = self.page(line)
        if page is not None:
            self.add(subject, BKG.sourcePage, integer_literal(page))

    def page(self, line: int) -> int | None:
        """The page a source line is printed on, when the document has pages."""
        if self.pages is not None and 0 < line <= len(self.pages):
            return self.pages[line - 1]
        return None

    def amount(self, subject: ox.NamedNode, predicate: ox.NamedNode, amount: Amount | None) -> None:
        if amount is not None and amount.yuan is not None:
            self.add(subject, predicate, decimal_literal(amount.yuan))
