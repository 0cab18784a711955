"""sh:minCount and sh:maxCount, which the engine checks for every property shape of a target
set in one query (kg.validation.engine.count_results), against counting in Python."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from kg.ingest import prepare_document
from kg.iris import Iris
from kg.settings import Settings
from kg.validation import compiled_shapes
from kg.validation.dataset import build_dataset
from kg.validation.engine import FocusNodes, core_results, count_results
from kg.vocabulary import BKG, RDFS, SKOS
from conftest import seed


def _seed_dataset_quads() -> list[ox.Quad]:
    settings = Settings(validate=False)
    prepared = prepare_document(seed("002"), settings)
    iris = Iris(settings.base_iri)
    document_id = prepared.report.document_id
    return prepared.graphs[iris.graph(document_id).value] + prepared.graphs[iris.inferred_graph(document_id).value] + prepared.reference_quads


def _mutated(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Seed 002 with values taken away from some nodes and added to others."""
    figures = sorted({q.subject for q in quads if q.predicate == BKG.unit and "/figure/" in q.subject.value}, key=str)
    names = sorted({q.subject for q in quads if q.predicate == BKG.ofCode}, key=str)
    codes = sorted({q.subject for q in quads if q.predicate == SKOS.notation}, key=str)
    drop = {(figures[0], BKG.unit), (figures[1], BKG.sourceLine), (figures[1], BKG.column), (names[0], RDFS.label)}
    kept = [q for q in quads if (q.subject, q.predicate) not in drop]
    graph = quads[0].graph_name
    return kept + [
        ox.Quad(figures[2], BKG.amount, ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), graph),
        ox.Quad(figures[3], BKG.unit, figures[4], graph),
        ox.Quad(codes[0], SKOS.notation, ox.Literal("999999"), graph),
    ]


def _counted_in_python(data: ox.Store) -> set[tuple[str, str, str, str]]:
    """(constraint, component, focus, number of values) for every count not met."""
    values: dict[tuple[str, str], set] = defaultdict(set)
    for quad in data:
        values[(quad.subject.value, quad.predicate.value)].add(quad.object)
    found = set()
    nodes = FocusNodes(data)
    for prop in compiled_shapes()[1]:
        params = dict(prop.params)
        for focus in nodes.nodes(prop.targets):
            n = len(values.get((focus, prop.path), ()))
            if "minCount" in params and n < int(params["minCount"].value):
                found.add((prop.node, "MinCount", focus, str(n)))
            if "maxCount" in params and n > int(params["maxCount"].value):
                found.add((prop.node, "MaxCount", focus, str(n)))
    return found


def _counted_by_engine(data: ox.Store, one_query: bool) -> set[tuple[str, str, str, str]]:
    props = compiled_shapes()[1]
    counts = count_results(data, props) if one_query else None
    results = [r for prop in props for r in core_results(data, prop, counts)]
    return {
        (r.constraint, r.component.rsplit("#", 1)[1].removesuffix("ConstraintComponent"), r.focus, r.value or "")
        for r in results
        if r.component.endswith(("MinCountConstraintComponent", "MaxCountConstraintComponent"))
    }


def test_counts_in_one_query_are_the_counts_not_met():
    data = build_dataset(_mutated(_seed_dataset_quads()))
    expected = _counted_in_python(data)
    assert len(expected) >= 6 and {c for _, c, _, _ in expected} == {"MinCount", "MaxCount"}
    assert _counted_by_engine(data, one_query=True) == expected
    assert _counted_by_engine(data, one_query=False) == expected  # one shape at a time: the same query, alone


def test_counts_results_keep_their_messages():
    data = build_dataset(_mutated(_seed_dataset_quads()))
    props = compiled_shapes()[1]
    unit = next(p for p in props if p.path == BKG.unit.value and dict(p.params).get("maxCount") is not None)
    (result,) = [r for r in core_results(data, unit) if r.component.endswith("MaxCountConstraintComponent")]
    assert result.message_en == "maxCount 1 not met: 2 values"
    assert result.message_zh == "maxCount 1 不满足：2 个值"
    assert result.value == "2" and result.path == BKG.unit.value
