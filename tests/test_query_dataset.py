"""kg.query_dataset: the FROM / FROM NAMED graphs a query names for itself."""

from __future__ import annotations

import pytest

from kg.query_dataset import QueryDataset, query_dataset


def test_a_query_without_a_dataset_clause_names_none():
    assert query_dataset("SELECT * WHERE { ?s ?p ?o }") is None


def test_prefixed_names_base_and_the_protocols_base_resolve_to_absolute_iris():
    sparql = "BASE <http://own/> PREFIX g: <http://g/> SELECT * FROM g:a FROM <b> FROM NAMED <c> WHERE { ?s ?p ?o }"
    assert query_dataset(sparql, "http://protocol/") == QueryDataset(("http://g/a", "http://own/b"), ("http://own/c",))
    assert query_dataset("ASK FROM NAMED <c> {}", "http://protocol/") == QueryDataset((), ("http://protocol/c",))


def test_from_inside_comments_and_strings_is_not_part_of_the_dataset():
    sparql = 'SELECT * # FROM <http://hidden/>\nFROM <http://real/> WHERE { ?s ?p "FROM <http://string/>" }'
    assert query_dataset(sparql) == QueryDataset(("http://real/",), ())


@pytest.mark.parametrize("form", ["CONSTRUCT { ?s ?p ?o } FROM <http://a/> WHERE { ?s ?p ?o }", "DESCRIBE <http://x/> FROM <http://a/>"])
def test_every_query_form_has_its_dataset_read(form):
    assert query_dataset(form) == QueryDataset(("http://a/",), ())


def test_a_query_that_cannot_be_read_is_a_value_error_saying_so():
    with pytest.raises(ValueError, match="cannot read the query's dataset"):
        query_dataset("SELECT * FROM WHERE {")
