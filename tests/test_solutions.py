"""kg.solutions: a query's answer narrowed to what the code reads, on the shipped shapes graph."""

from __future__ import annotations

import pytest

from kg.solutions import literal, named_node, required_text, solutions, term, text
from kg.validation.shapes import SHAPES_NS, shapes_store

# An identity's label (every identity of shapes/ has one), and a variable left unbound.
_LABELS = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?identity ?label ?missing WHERE { "
    f"?identity rdfs:label ?label FILTER(STRSTARTS(STR(?identity), '{SHAPES_NS}')) "
    "OPTIONAL { ?identity <urn:no-such-property> ?missing } } ORDER BY ?identity LIMIT 1"
)


def test_a_select_row_gives_its_terms_by_kind():
    [row] = list(solutions(shapes_store().query(_LABELS)))
    identity, label = named_node(row, "identity"), literal(row, "label")
    assert identity.value.startswith(SHAPES_NS) and label.value
    assert text(row, "identity") == identity.value and required_text(row, "label") == label.value
    assert term(row, "missing") is None and text(row, "missing") is None


def test_a_mismatch_names_the_variable():
    [row] = list(solutions(shapes_store().query(_LABELS)))
    with pytest.raises(TypeError, match=r"\?label: expected an IRI, got "):
        named_node(row, "label")
    with pytest.raises(TypeError, match=r"\?identity: expected a literal, got <"):
        literal(row, "identity")
    with pytest.raises(TypeError, match=r"\?missing: expected a bound variable, got none"):
        required_text(row, "missing")


def test_an_ask_is_not_the_solutions_of_a_select():
    with pytest.raises(TypeError, match="expected the solutions of a SELECT, got QueryBoolean"):
        solutions(shapes_store().query("ASK { ?s ?p ?o }"))
