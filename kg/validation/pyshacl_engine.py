"""The reference engine: the shapes of shapes/*.ttl run unchanged by pyshacl.

Slower than kg.validation.engine (it converts the dataset to an rdflib graph and
evaluates each SPARQL constraint once per focus node), but it is an independent SHACL
implementation: ``budgetkg validate --engine pyshacl`` and tests/test_validation_pyshacl.py
check that both engines give the same results (severity, focus, source shape and
constraint, lines, page) on the seeds, the examples and the corpus 决算 PDFs.

rdflib evaluates pyshacl's queries through kg.validation.rdflib_evaluation (same results,
without joining every pair of figures for every focus node), and pyshacl's regex check of
a query text runs once per text: example_spaces_county took 42 CPU s, now 23 on the
first document of a process (most of it parsing the queries, ~0.2 s each) and 3.5 after
(bench/bench_validation_engines.py's method, on a machine loaded 10-12 on 2 cores).

pyshacl's report graph is read back into results by kg.validation.pyshacl_results (its
messages' templates give the ``bkgr:`` facts); the page is the focus node's, as for the
fast engine.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.validation.results import ValidationReport, sorted_results
from kg.validation.engine import with_pages
from kg.validation.family import document_family
from kg.validation.pyshacl_results import pyshacl_results
from kg.validation.shapes import ShapesFiles, shapes_files, shapes_turtle

if TYPE_CHECKING:  # rdflib and pyshacl are imported when pyshacl runs, not with kg.validation
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
    from rdflib import Graph


@lru_cache(maxsize=None)
def _shapes_graph(files: ShapesFiles) -> Graph:
    import rdflib

    return rdflib.Graph().parse(data=shapes_turtle(files), format="turtle")


@lru_cache(maxsize=1)
def _check_each_query_once() -> None:
    """pyshacl checks a constraint's query text (no MINUS, VALUES, SERVICE; sub-SELECTs project
    $this) with regexes anew for every focus node: 0.3 ms each, about half of its time on an
    example once the queries are evaluated fast (9.2 -> 5.7 CPU s). The check depends on the
    text alone; this keeps its answer (or its ValidationFailure) per text, in place of
    pyshacl's method, once per process."""
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    check = SPARQLQueryHelper.check_invalid_sparql
    # (text, whether $value is unbound, extra pre-bound variables) -> pyshacl's answer
    answers: dict[tuple[str, bool, tuple[str, ...]], object] = {}

    def checked_once(self: SPARQLQueryHelper, sparql_text: str, valuenode: object = None, extravars: Iterable[str] | None = None) -> object:
        key = (sparql_text, valuenode is None, tuple(sorted(extravars or ())))
        if key not in answers:
            try:
                answers[key] = check(self, sparql_text, valuenode, extravars)  # type: ignore[no-untyped-call]  # pyshacl is untyped
            except Exception as failure:  # pyshacl's ValidationFailure: raised again each time
                answers[key] = failure
        answer = answers[key]
        if isinstance(answer, Exception):
            raise answer
        return answer

    # Assigning to a method is what mypy refuses; replacing pyshacl's method is the point.
    SPARQLQueryHelper.check_invalid_sparql = checked_once  # type: ignore[method-assign]


def _rdflib_graph(data: ox.Store) -> Graph:
    """The dataset's union default graph (what the fast engine queries) as an rdflib graph."""
    triples = data.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    if not isinstance(triples, ox.QueryTriples):
        raise TypeError(f"expected the triples of a CONSTRUCT, got {type(triples).__name__}")
    from kg.validation.rdflib_evaluation import ValidationGraph

    return ValidationGraph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def validate_dataset_pyshacl(data: ox.Store, document_id: str, settings: Settings) -> ValidationReport:
    """Validate the dataset of kg.validation.dataset with pyshacl (no inference: the dataset
    holds the inferred graph already, as it does for the fast engine)."""
    import pyshacl
    import rdflib

    started = time.perf_counter()
    document = Iris(settings.base_iri).document(document_id).value
    files = shapes_files(document_family(data, document).key)
    shapes = _shapes_graph(files)
    _check_each_query_once()
    _, report_graph, text = pyshacl.validate(_rdflib_graph(data), shacl_graph=shapes, inference="none", advanced=False)
    if not isinstance(report_graph, rdflib.Graph):  # pyshacl answers a ValidationFailure in place of the report
        raise ValueError(f"pyshacl refused the shapes: {text}")
    results = with_pages(data, pyshacl_results(report_graph, shapes, files))
    return ValidationReport(document_id, document, sorted_results(results), time.perf_counter() - started)
