"""IRIs: deterministic, readable, and stable under a configurable base.

Everything a document mints lives under ``{base}id/document/{doc}/…`` so that
re-ingesting it replaces exactly what it said before; things shared by every
document (units, classification codes) live outside it and are described in
each document's graph, so the union of graphs merges them.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from kg.records import CodeScheme


@lru_cache(maxsize=65536)
def _segment(text: str) -> str:
    # IRIs may hold Chinese; only characters that break IRI syntax are escaped.
    return quote(text.replace(" ", ""), safe="")


class Iris:
    def __init__(self, base: str) -> None:
        self.base = base

    def graph(self, document_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}graph/{_segment(document_id)}")

    def inferred_graph(self, document_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}graph/{_segment(document_id)}/inferred")

    def validation_graph(self, document_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}graph/{_segment(document_id)}/validation")

    def reference_graph(self) -> ox.NamedNode:
        """Codes, units and projects that several documents share."""
        return ox.NamedNode(f"{self.base}graph/reference")

    def document(self, document_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}id/document/{_segment(document_id)}")

    def in_document(self, document_id: str, *path: str | int) -> ox.NamedNode:
        tail = "/".join(_segment(str(part)) for part in path)
        return ox.NamedNode(f"{self.base}id/document/{_segment(document_id)}/{tail}")

    def unit(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}id/unit/{_segment(name)}")

    def code_scheme(self, scheme: CodeScheme) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}id/classification/{_scheme_segment(scheme)}")

    def code(self, scheme: CodeScheme, notation: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}id/classification/{_scheme_segment(scheme)}/{notation}")

    def project(self, code: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}id/project/{_segment(code)}")

    def execution(self, unit: ox.NamedNode, fiscal_year: str, notation: str) -> ox.NamedNode:
        """Budget against actual of one unit, year and functional code (kg.summary): minted alike
        by the budget and the 决算 that speak of them, so both write onto one node."""
        unit_prefix = f"{self.base}id/unit/"
        unit_part = unit.value.removeprefix(unit_prefix) if unit.value.startswith(unit_prefix) else _segment(unit.value)
        return ox.NamedNode(f"{self.base}id/execution/{unit_part}/{_segment(fiscal_year)}/{_segment(notation)}")


def _scheme_segment(scheme: CodeScheme) -> str:
    return "function" if scheme is CodeScheme.functional else "economic"
