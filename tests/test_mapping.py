"""Mapping records to RDF: provenance as (file, page, line)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import Iris
from kg.mapping import map_document
from kg.parse import parse_file
from kg.settings import Settings
from kg.vocabulary import BKG, PROV, RDFS

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
    figures = [q.subject for q in quads if q.predicate == BKG.printedAmount and q.object.value == "1,511.89" and objects(quads, q.subject, PROV.wasDerivedFrom)]
    pages = {page for figure in figures for page in objects(quads, figure, BKG.sourcePage)}
    assert pages == {"8", "10", "15"}


def test_text_input_has_lines_and_no_pages():
    quads = map_document(parse_file(seed("001")), Settings()).quads
    assert any(q.predicate == BKG.sourceLine for q in quads)
    assert not any(q.predicate == BKG.sourcePage for q in quads)


def test_no_quad_is_made_twice_and_a_code_name_keeps_every_line_it_is_printed_on():
    # A row's figures all carry its code, and a code is printed in several tables: its
    # bkg:CodeName was once mapped per figure (seed 001: 2,203 quads made twice).
    iris = Iris(Settings().base_iri)
    for document in (parse_file(seed("001")), parse_file(FINANCE)):
        mapped = map_document(document, Settings())
        assert len(mapped.quads) == len(set(mapped.quads))
        assert len(mapped.reference_quads) == len(set(mapped.reference_quads))
        printed: dict[tuple[str, str], set[int]] = {}
        for line in document.budget_lines:
            if line.code is not None and line.code.name:
                key = (iris.code(line.code.scheme, line.code.notation).value, line.code.name)
                printed.setdefault(key, set()).add(line.lines.first)
        mapped_names: dict[tuple[str, str], set[int]] = {}
        for name in {q.subject for q in mapped.quads if q.predicate == BKG.ofCode}:
            (code,) = objects(mapped.quads, name, BKG.ofCode)
            (label,) = objects(mapped.quads, name, RDFS.label)
            mapped_names[(code, label)] = {int(line) for line in objects(mapped.quads, name, BKG.sourceLine)}
        assert mapped_names == printed
        assert any(len(lines) > 1 for lines in mapped_names.values())
