"""Mutation testing of the validator: read a real document once, change one line, validate in memory.

A check is shown to work when a one-word change of a real document makes it
report at that line (and page), and the unchanged document does not.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from kg.mapping import map_document
from kg.parse import parse_source
from kg.readers import read_document
from kg.reading import SourceText
from kg.settings import Settings
from kg.validation import ValidationReport, validate_quads


@lru_cache(maxsize=None)
def source(path: Path) -> SourceText:
    return read_document(path)


def validate(text: SourceText) -> ValidationReport:
    document = parse_source(text, "mutant")
    mapped = map_document(document, Settings())
    return validate_quads(mapped.quads + mapped.reference_quads, document.document_id, Settings())


@lru_cache(maxsize=None)
def report(path: Path) -> ValidationReport:
    return validate(source(path))


def changed(path: Path, line: int, old: str, new: str) -> SourceText:
    """The document with the first ``old`` on ``line`` replaced by ``new`` (the line must hold it)."""
    original = source(path)
    lines = list(original.lines)
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return replace(original, lines=tuple(lines))
