"""Parsing: one document's text -> ``ParsedDocument`` (all its records).

This is the "text -> tables -> records" half of the pipeline; ``mapping``
does "records -> RDF". Each table goes to the extractor for its kind; a table
no extractor understands is reported as a warning, never dropped silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.extract.activities import extract_activities
from kg.extract.blank_rows import blank_subtotals
from kg.extract.revenue_outline import revenue_subtotals
from kg.extract.budget_tables import extract_budget_lines
from kg.extract.class_shares import budget_class_shares
from kg.extract.document import read_document_info
from kg.extract.execution import extract_execution
from kg.extract.evidence import place_spaced_tables
from kg.extract.glossary import extract_glossary
from kg.extract.narrative import extract_narrative
from kg.extract.organisation import extract_staffing
from kg.extract.performance import extract_performance
from kg.extract.presentation import prose_sentences, text_lines
from kg.families import Family, recognise_family
from kg.readers import read_document
from kg.reading import InputError, SourceText
from kg.records import Lines, ParsedDocument, ParseWarning, TableInfo, TableKind
from kg.tables import RawTable, find_tables

_DOCUMENT_ID = re.compile(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]+")


def document_id_for(path: Path | str) -> str:
    """A document's id is its file name without extension, made IRI-safe.

    Re-ingesting a file of the same name replaces that document's graph.
    """
    stem = Path(path).stem
    identifier = _DOCUMENT_ID.sub("-", stem).strip("-")
    if not identifier:
        raise InputError(str(path), None, "expected a file name usable as a document id")
    return identifier


def parse_file(path: Path | str, family: Family | None = None) -> ParsedDocument:
    return parse_source(read_document(path), document_id_for(path), family)


def parse_source(source: SourceText, document_id: str, family: Family | None = None) -> ParsedDocument:
    """One document's records, read with its family's vocabulary (recognised from its headings unless given)."""
    family = family or recognise_family(source.lines)
    tables = find_tables(source, family)
    # Single-space tables are placed with what the whole document says (no-op for other tables).
    tables, spaced_warnings = place_spaced_tables(tables, family)
    # A fact about the document that cannot be found (year, unit) is a warning, never
    # a refusal: one missing line must not lose the hundreds of figures around it.
    info, info_warnings = read_document_info(source, family)
    document = ParsedDocument(
        document_id=document_id,
        source_path=source.path,
        sha256=source.sha256,
        info=info,
        pages=source.pages,
        family=family.key,
    )
    document.warnings.extend(info_warnings)
    document.warnings.extend(spaced_warnings)
    document.warnings.extend(_image_page_warnings(source))
    table_lines: set[int] = set()
    for index, table in enumerate(tables, start=1):
        table_lines.update(range(table.first_line, table.last_line + 1))
        _extract_table(document, table, index, family)
    figures, narrative_warnings = extract_narrative(source, table_lines, info.fiscal_year, family)
    document.narrative.extend(figures)
    document.warnings.extend(narrative_warnings)
    if family.execution_statements is not None:
        # Budget against actual by code: the codes come from the tables just read.
        statements, statement_warnings = extract_execution(source, table_lines, document.budget_lines)
        document.narrative.extend(statements)
        document.warnings.extend(statement_warnings)
    else:
        # A budget's 类 shares (…(类)2063.01 万元,占98.08%), with the codes of the tables just read.
        document.narrative.extend(budget_class_shares(source, table_lines, document.budget_lines, family.default_stage))
    document.glossary.extend(extract_glossary(source, table_lines))
    document.text_lines.extend(text_lines(source, table_lines))
    document.sentences.extend(prose_sentences(source, table_lines))
    document.warnings.sort(key=lambda warning: (warning.lines.first, warning.message))
    return document


def _image_page_warnings(source: SourceText) -> list[ParseWarning]:
    """One warning per page that is only an image, at the first line read after it."""
    warnings = []
    for page in source.image_pages:
        after = next((n for n, on in enumerate(source.pages or (), start=1) if on > page), len(source.lines))
        warnings.append(ParseWarning(Lines(after, after), f"page {page} holds images and no text: its content was not read (run OCR on it)"))
    return warnings


def _extract_table(document: ParsedDocument, table: RawTable, index: int, family: Family) -> None:
    lines = table.lines
    if table.kind is None:
        document.warnings.append(ParseWarning(lines, f"table {table.title!r} not recognised by its title or header; its rows were not read"))
        return
    note = "；".join(text for _, text in table.notes) or None
    document.tables.append(TableInfo(index, table.kind, table.title, lines, table.money_unit, note))
    if table.kind in (TableKind.project_performance, TableKind.department_performance):
        target, warnings = extract_performance(table, index)
        if target is not None:
            document.performance.append(target)
    elif table.kind is TableKind.activity_performance:
        activities, warnings = extract_activities(table, index)
        document.activities.extend(activities)
    elif table.kind in (TableKind.organisation, TableKind.staffing):
        bodies, totals, warnings = extract_staffing(table)
        document.bodies.extend(bodies)
        document.staffing_totals.extend(totals)
    else:
        budget_lines, warnings = extract_budget_lines(table, index, family)
        document.budget_lines.extend(budget_lines)
        document.blank_rows.extend(blank_subtotals(table, index))
        document.subtotal_rows.extend(revenue_subtotals(table, index))
    document.warnings.extend(warnings)
