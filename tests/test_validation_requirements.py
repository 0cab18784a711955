"""kg/validation/requirements.py: which predicates and classes a query cannot answer without.

Skipping a query whose needs a document lacks must never hide a result: the reading is
checked against rdflib's SPARQL algebra for every query the engine runs, and on the real
documents every skipped query is run anyway and must answer nothing.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDF, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.iris import Iris
from conftest import engine_queries
from kg.settings import Settings
from kg.validation.dataset import build_dataset, document_ids, stored_document_quads
from kg.validation.family import document_family
from kg.validation.requirements import NOTHING, PresentTerms, Requirements, query_requirements, tokens
from kg.validation.shapes import compiled_groups, shapes_files

BKG = "https://w3id.org/budgetkg/ontology#"
PREFIX = f"PREFIX bkg: <{BKG}>\nPREFIX qb: <http://purl.org/linked-data/cube#>\n"


def needs(where: str) -> Requirements:
    return query_requirements(PREFIX + f"SELECT ?this WHERE {{ {where} }}")


def test_a_groups_own_triples_are_needed_and_a_class_of_a() -> None:
    found = needs("?this bkg:amount ?a ; bkg:sourceLine ?l ; qb:dataSet ?t . ?t a bkg:ThreePublicTable")
    assert found.predicates == {BKG + "amount", BKG + "sourceLine", "http://purl.org/linked-data/cube#dataSet"}
    assert found.classes == {BKG + "ThreePublicTable"}


def test_optional_minus_exists_and_graph_need_nothing() -> None:
    for part in (
        "OPTIONAL { ?this bkg:change ?c }",
        "MINUS { ?this bkg:change ?c }",
        "FILTER NOT EXISTS { ?this bkg:change ?c }",
        "FILTER EXISTS { ?this bkg:change ?c }",
        "GRAPH ?g { ?this bkg:change ?c }",
    ):
        assert needs(f"?this bkg:amount ?a . {part}").predicates == {BKG + "amount"}, part


def test_a_union_needs_what_every_branch_needs() -> None:
    found = needs("{ ?this bkg:amount ?a ; bkg:change ?c } UNION { ?this bkg:amount ?a ; bkg:changePercent ?p }")
    assert found.predicates == {BKG + "amount"}
    # A group on its own (no UNION) is joined: everything in it is needed.
    assert needs("{ ?this bkg:amount ?a ; bkg:change ?c }").predicates == {BKG + "amount", BKG + "change"}


def test_a_sub_select_that_aggregates_without_group_by_needs_nothing() -> None:
    # COUNT over no solution is one row (0): the outer query can answer on an empty document.
    assert needs("{ SELECT (COUNT(?f) AS ?n) WHERE { ?f bkg:change ?c } } BIND(?n AS ?this)") == NOTHING
    grouped = needs("{ SELECT ?this (COUNT(?f) AS ?n) WHERE { ?this bkg:change ?f } GROUP BY ?this }")
    assert grouped.predicates == {BKG + "change"}
    assert query_requirements(PREFIX + "SELECT (COUNT(?f) AS ?n) WHERE { ?f bkg:change ?c }") == NOTHING
    assert query_requirements(PREFIX + "SELECT ?this WHERE { ?this bkg:change ?c } HAVING (COUNT(?c) > 0)") == NOTHING


def test_paths_variables_and_what_it_cannot_read_need_nothing() -> None:
    assert needs("?this bkg:functionalClassification|bkg:economicClassification ?code") == NOTHING
    assert needs("?this a/bkg:parent* ?c") == NOTHING
    assert needs("?this ?p ?o") == NOTHING
    assert needs("?this bkg:amount [ bkg:unit ?u ]") == NOTHING  # a bracketed object is not read
    assert needs("?this undeclared:amount ?a") == NOTHING


def test_strings_and_comments_do_not_open_groups() -> None:
    found = needs('?this bkg:rowLabel "{ OPTIONAL }" . # } UNION {\n ?this bkg:amount 1. FILTER(?x < 3)')
    assert found.predicates == {BKG + "rowLabel", BKG + "amount"}
    assert tokens('?a bkg:p "x"@zh ; bkg:q 1.') == ["?a", "bkg:p", '"x"', "@zh", ";", "bkg:q", "1", "."]


def test_present_terms_reads_the_union_of_graphs() -> None:
    data = ox.Store()
    data.add(ox.Quad(ox.NamedNode(BKG + "f"), ox.NamedNode(BKG + "amount"), ox.Literal("1"), ox.NamedNode(BKG + "g")))
    present = PresentTerms(data)
    assert present.meet(Requirements(predicates=frozenset({BKG + "amount"})))
    assert not present.meet(Requirements(predicates=frozenset({BKG + "amount", BKG + "change"})))
    assert not present.meet(Requirements(classes=frozenset({BKG + "ThreePublicTable"})))
    assert present.meet(NOTHING)


def _mandatory(node: object) -> set[tuple[str, str]]:
    """rdflib's algebra read the same way, independently: the reference for the reader."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name == "BGP":
        out = set()
        for _, predicate, obj in node.triples:
            if isinstance(predicate, URIRef):
                out.add(("class", str(obj)) if predicate == RDF.type and isinstance(obj, URIRef) else ("predicate", str(predicate)))
        return out
    if name == "Join":
        return _mandatory(node.p1) | _mandatory(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _mandatory(node.p1)
    if name == "Union":
        return _mandatory(node.p1) & _mandatory(node.p2)
    if name == "Group":
        return _mandatory(node.p) if node.expr else set()  # no GROUP BY: one group over nothing
    if name in ("Filter", "Extend", "Project", "Distinct", "Reduced", "OrderBy", "Slice", "ToMultiSet", "SelectQuery", "AggregateJoin"):
        return _mandatory(node.p)
    return set()


def test_what_it_finds_is_mandatory_in_rdflibs_algebra() -> None:
    queries = engine_queries()
    read = 0
    for query in queries:
        found = query_requirements(query)
        mandatory = _mandatory(prepareQuery(query).algebra)
        assert {("predicate", p) for p in found.predicates} | {("class", c) for c in found.classes} <= mandatory, query
        read += bool(found)
    # It reads most of them: a reader that found nothing would skip nothing (and pass above).
    assert read > 0.8 * len(queries)


def test_a_skipped_query_answers_nothing_on_real_documents(seed_and_corpus_store) -> None:
    settings = Settings()
    skipped = 0
    for document_id in document_ids(seed_and_corpus_store, settings):
        data = build_dataset(stored_document_quads(seed_and_corpus_store, document_id, settings))
        family = document_family(data, Iris(settings.base_iri).document(document_id).value).key
        present = PresentTerms(data)
        for group in compiled_groups(shapes_files(family)):
            select = group.select or group.constraints[0].select
            if present.meet(query_requirements(select)):
                continue
            skipped += 1
            assert not list(data.query(select, use_default_graph_as_union=True)), (document_id, group.constraints[0].constraint)
    assert skipped > 0
