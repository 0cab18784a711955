"""Mapping records to RDF: provenance as (file, page, line)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.mapping import map_document
from kg.parse import parse_file
from kg.settings import Settings
from kg.vocabulary import BKG, PROV

from conftest import SHARED, seed

FINANCE = SHARED / "corpus" / "final-accounts" / "上海市普陀区财政局2024年度部门决算.pdf"


def objects(quads: list[ox.Quad], subject: ox.NamedNode, predicate: ox.NamedNode) -> list[str]:
    return [q.object.value for q in quads if q.subject == subject and q.predicate == predicate]


def test_everything_with_a_source_line_has_its_page_when_read_from_a_pdf():
    document = parse_file(FINANCE)
    quads = map_document(document, Settings()).quads
    lined = {q.subject for q in quads if q.predicate == BKG.sourceLine}
    paged = {q.subject for q in quads if q.predicate == BKG.sourcePage}
    assert lined and lined == paged
    for quad in quads:
        if quad.predicate == BKG.sourcePage:
            # A code name printed in several tables has a line (and a page) for each printing.
            pages = {document.pages[int(line) - 1] for line in objects(quads, quad.subject, BKG.sourceLine)}
            assert quad.object.datatype.value.endswith("#integer")
            assert int(quad.object.value) in pages


def test_a_figure_names_the_page_its_row_is_printed_on():
    document = parse_file(FINANCE)
    quads = map_document(document, Settings()).quads
    # 行政运行 (2010601) received 1,511.89 of appropriations in 收入决算表 (page 8) and
    # spends it in 支出决算表 (page 10) and 一般公共预算财政拨款支出决算表 (page 15).
    figures = [
        q.subject
        for q in quads
        if q.predicate == BKG.printedAmount and q.object.value == "1,511.89" and objects(quads, q.subject, PROV.wasDerivedFrom)
    ]
    pages = {page for figure in figures for page in objects(quads, figure, BKG.sourcePage)}
    assert pages == {"8", "10", "15"}


def test_text_input_has_lines_and_no_pages():
    quads = map_document(parse_file(seed("001")), Settings()).quads
    assert any(q.predicate == BKG.sourceLine for q in quads)
    assert not any(q.predicate == BKG.sourcePage for q in quads)
