"""The ontology documents every term the graph uses, in Chinese and English."""

import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from kg.mapping import map_document
from kg.parse import parse_file
from kg.settings import Settings
from kg.vocabulary import BKG

from conftest import REPO, SEEDS, SHARED

FINAL_ACCOUNTS = SHARED / "corpus" / "final-accounts"

ONTOLOGY = REPO / "ontology" / "budgetkg.ttl"


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def used_terms() -> set[str]:
    terms: set[str] = set()
    for path in sorted(SEEDS.glob("*.txt")) + sorted((REPO / "examples").glob("*.txt")) + sorted(FINAL_ACCOUNTS.glob("*.pdf")):
        mapped = map_document(parse_file(path), Settings())
        for quad in mapped.quads + mapped.reference_quads:
            for term in (quad.predicate, quad.object):
                if hasattr(term, "value") and str(term.value).startswith(BKG.base):
                    terms.add(term.value)
            if quad.predicate.value == str(RDF.type):
                terms.add(quad.object.value)
    return {t for t in terms if t.startswith(BKG.base)}


def test_every_term_the_graph_uses_is_declared_and_labelled_in_both_languages():
    graph = ontology()
    missing = []
    for term in sorted(used_terms()):
        node = rdflib.URIRef(term)
        languages = {label.language for label in graph.objects(node, RDFS.label)}
        has_definition = any(True for _ in graph.objects(node, SKOS.definition))
        if not {"zh", "en"} <= languages or not has_definition:
            missing.append(term)
    assert missing == []


def test_code_ancestry_is_transitive_for_the_reasoner():
    graph = ontology()
    assert (SKOS.broaderTransitive, RDF.type, rdflib.OWL.TransitiveProperty) in graph
