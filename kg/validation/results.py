"""What a validation finds: results with a severity, and a report per document.

Kept apart from the engines so that both engines (Oxigraph and pyshacl), the stored
report graph and every renderer build and read the same record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """SHACL's three severities; the value is the local name of ``sh:Violation`` etc., so
    ``Severity.VIOLATION == "Violation"`` holds and reports compare with plain strings too."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        """Violations first in a report."""
        return _RANK[self]

    @classmethod
    def from_iri(cls, iri: str) -> "Severity":
        return cls(iri.rsplit("#", 1)[-1])


_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, kw_only=True)
class ValidationResult:
    """One ``sh:ValidationResult`` with the ``bkgr:`` facts the identities add.
    Money (value, expected, difference, tolerance) is in yuan as printed by the query."""

    severity: Severity
    focus: str
    message_zh: str
    message_en: str
    source_shape: str
    constraint: str
    component: str
    identity: str | None = None
    identity_label_zh: str | None = None
    identity_label_en: str | None = None
    path: str | None = None
    value: str | None = None
    expected: str | None = None
    difference: str | None = None
    tolerance: str | None = None
    lines: list[int] = field(default_factory=list)
    figures: str | None = None
    page: int | None = None  # the focus node's bkg:sourcePage (页码), for a document read from a PDF

    @property
    def is_rounding(self) -> bool:
        return self.constraint.endswith("-rounding")

    def sort_key(self) -> tuple[int, tuple[int, ...], str, str]:
        return (self.severity.rank, tuple(self.lines[:1]) or (0,), self.constraint, self.focus)


@dataclass
class ValidationReport:
    document_id: str
    document: str
    results: list[ValidationResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return not any(r.severity is Severity.VIOLATION for r in self.results)

    def count(self, severity: Severity | str) -> int:
        return sum(1 for r in self.results if r.severity == severity)


def sorted_results(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    return sorted(results, key=ValidationResult.sort_key)


def lines_of(text: str | None) -> list[int]:
    """The line numbers in a query's ``?lines`` ("12,13,14"), sorted and distinct."""
    if not text:
        return []
    return sorted({int(x) for x in re.findall(r"\d+", text)})
