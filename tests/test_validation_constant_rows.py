"""kg/validation/constant_rows.py: fixed lists of cases run as VALUES, with the same answers."""

from __future__ import annotations

import pyoxigraph as ox

from conftest import engine_queries
from kg.settings import Settings
from kg.validation.constant_rows import with_values
from kg.validation.dataset import build_dataset, document_ids, stored_document_quads

PREFIX = "PREFIX bkg: <https://w3id.org/budgetkg/ontology#>\n"


def test_a_union_of_constant_binds_becomes_one_values_block() -> None:
    query = PREFIX + 'SELECT * WHERE { ?f bkg:figureKind ?kind . { BIND(bkg:reception AS ?kind) BIND("r" AS ?key) }\n  # vehicles\n  UNION { BIND("v" AS ?key) BIND(bkg:vehicles AS ?kind) } }'
    assert with_values(query) == PREFIX + 'SELECT * WHERE { ?f bkg:figureKind ?kind . VALUES (?kind ?key) { (bkg:reception "r") (bkg:vehicles "v") } }'


def test_lists_it_cannot_write_as_values_stay_as_they_are() -> None:
    unequal = PREFIX + "SELECT * WHERE { { BIND(1 AS ?a) } UNION { BIND(2 AS ?b) } }"
    computed = PREFIX + "SELECT * WHERE { { BIND(1 AS ?a) } UNION { BIND(?x + 1 AS ?a) } }"
    longer = PREFIX + "SELECT * WHERE { { BIND(1 AS ?a) } UNION { BIND(2 AS ?a) } UNION { ?s bkg:p ?a } }"
    for query in (unequal, computed, longer):
        assert with_values(query) == query


def test_every_rewritten_query_answers_as_its_original_on_real_documents(seed_and_corpus_store) -> None:
    settings = Settings()
    rewritten = [q for q in engine_queries() if with_values(q) != q]
    assert len(rewritten) >= 10  # the shapes list cases this way in many identities
    compared = 0
    for document_id in document_ids(seed_and_corpus_store, settings):
        data = build_dataset(stored_document_quads(seed_and_corpus_store, document_id, settings))
        for query in rewritten:
            original = _rows(data, query)
            assert _rows(data, with_values(query)) == original, (document_id, query[-200:])
            compared += len(original)
    assert compared > 0  # some of them answer on the seeds: the comparison saw rows


def _rows(data: ox.Store, query: str) -> list[tuple[str, ...]]:
    """The answer's rows, sorted; a plain string (a message's figures, its lines) as its sorted
    characters: GROUP_CONCAT joins its parts in whatever order the plan reads them, and a new
    plan may list 其他收入 before 财政专户收入. Solutions, focus nodes and amounts must be equal."""
    answer = data.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return sorted(tuple(_comparable(row[n]) for n in names) for row in answer)


def _comparable(term: object) -> str:
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#string"):
        return "".join(sorted(term.value))
    return str(term)
