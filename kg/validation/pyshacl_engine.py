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

pyshacl's report carries the standard terms only. The ``bkgr:`` facts of a result
(lines, figures) are read back from its filled-in English ``sh:message``, whose
template is known (pyshacl drops the messages' language tags: each is told by the
template it matches); value stays as pyshacl gives it (``sh:value``); expected,
difference and tolerance where a message prints them (most print them in 万元 only,
``{?expectedW}``, and leave them None); the page is the focus node's, as for the fast
engine.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.validation.results import Severity, ValidationReport, ValidationResult, lines_of, sorted_results
from kg.validation.engine import with_pages
from kg.validation.family import document_family
from kg.validation.shapes import PropertyConstraint, ShapesFiles, SparqlConstraint, compiled_shapes, shapes_files, shapes_turtle

_SH = "http://www.w3.org/ns/shacl#"


@lru_cache(maxsize=None)
def _shapes_graph(files: ShapesFiles):
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
    answers: dict[tuple, object] = {}

    def checked_once(self, sparql_text, valuenode=None, extravars=None):
        key = (sparql_text, valuenode is None, tuple(sorted(extravars or ())))
        if key not in answers:
            try:
                answers[key] = check(self, sparql_text, valuenode, extravars)
            except Exception as failure:  # pyshacl's ValidationFailure: raised again each time
                answers[key] = failure
        if isinstance(answers[key], Exception):
            raise answers[key]
        return answers[key]

    SPARQLQueryHelper.check_invalid_sparql = checked_once  # type: ignore[method-assign]


def _rdflib_graph(data: ox.Store):
    """The dataset's union default graph (what the fast engine queries) as an rdflib graph."""
    triples = data.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    from kg.validation.rdflib_evaluation import ValidationGraph

    return ValidationGraph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def _message_pattern(template: str) -> re.Pattern:
    """A regex that reads the variables back out of a message filled from ``template``."""
    out, seen = [], set()
    for part in re.split(r"(\{[?$]\w+\})", template):
        name = part[2:-1] if re.fullmatch(r"\{[?$]\w+\}", part) else None
        if name is None:
            out.append(re.escape(part))
        elif name in seen:
            out.append(".*?")
        else:
            seen.add(name)
            out.append(r"(?P<lines>[\d,]*)" if name == "lines" else f"(?P<{name}>.*?)")
    return re.compile("".join(out) + r"\Z", re.S)


def _by_template(c: SparqlConstraint, texts: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """Language tag -> (message, the variables read out of it), for the messages pyshacl filled
    in. pyshacl drops a message's language tag when it fills in ``{?var}`` (it writes
    ``Literal(text)``), so each is told by the template it matches."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for lang, template in c.messages.items():
        pattern = _message_pattern(template)
        for text in texts:
            m = pattern.match(text)
            if m:
                out[lang] = (text, m.groupdict())
                break
    return out


def _one(graph, subject, predicate: str):
    import rdflib

    return graph.value(subject, rdflib.URIRef(_SH + predicate))


def _messages(graph, node) -> dict[str, str]:
    import rdflib

    return {getattr(m, "language", None) or "": str(m) for m in graph.objects(node, rdflib.URIRef(_SH + "resultMessage"))}


def _message_texts(graph, node) -> list[str]:
    import rdflib

    return sorted(str(m) for m in graph.objects(node, rdflib.URIRef(_SH + "resultMessage")))


def _sparql_result(c: SparqlConstraint, severity: Severity, focus: str, value, texts: list[str]) -> ValidationResult:
    found = _by_template(c, texts)
    messages = {lang: text for lang, (text, _) in found.items()}
    values = (found.get("en") or found.get("zh") or ("", {}))[1]
    return ValidationResult(
        severity=severity, focus=focus, identity=c.identity,
        identity_label_zh=c.labels.get("zh"), identity_label_en=c.labels.get("en"),
        message_zh=messages.get("zh", ""), message_en=messages.get("en", ""),
        source_shape=c.shape, constraint=c.constraint, component=_SH + "SPARQLConstraintComponent",
        value=str(value) if value is not None else None, lines=lines_of(values.get("lines")), figures=values.get("figures") or None,
        expected=values.get("expected") or None, difference=values.get("difference") or None,
        tolerance=values.get("tolerance") or None,
    )


def _core_result(prop: PropertyConstraint, severity: Severity, focus: str, component: str, value, messages: dict[str, str]) -> ValidationResult:
    text = messages.get("en") or messages.get("") or ""
    return ValidationResult(
        severity=severity, focus=focus, message_zh=messages.get("zh", text), message_en=text,
        source_shape=prop.shape, constraint=prop.node, component=component, path=prop.path,
        value=str(value) if value is not None else None,
    )


def _property_for(shapes_graph, props: tuple[PropertyConstraint, ...], property_shape, component: str) -> PropertyConstraint | None:
    """The compiled property constraint pyshacl's result comes from: pyshacl names the property
    shape (a blank node of its own graph), the fast engine the node shape that holds it."""
    import rdflib

    owner = shapes_graph.value(None, rdflib.URIRef(_SH + "property"), property_shape)
    path = shapes_graph.value(property_shape, rdflib.URIRef(_SH + "path"))
    key = component[len(_SH):-len("ConstraintComponent")]
    key = key[0].lower() + key[1:]
    for prop in props:
        if prop.shape == str(owner) and prop.path == str(path) and any(k == key for k, _ in prop.params):
            return prop
    return None


def _results(report_graph, shapes_graph, files: ShapesFiles) -> list[ValidationResult]:
    import rdflib

    sparqls, props = compiled_shapes(files)
    by_constraint = {c.constraint: c for c in sparqls}
    by_shape = {c.shape: c for c in sparqls}
    results = []
    for node in report_graph.subjects(rdflib.RDF.type, rdflib.URIRef(_SH + "ValidationResult")):
        severity = Severity.from_iri(str(_one(report_graph, node, "resultSeverity")))
        focus = str(_one(report_graph, node, "focusNode"))
        component = str(_one(report_graph, node, "sourceConstraintComponent"))
        shape = _one(report_graph, node, "sourceShape")
        value = _one(report_graph, node, "value")
        messages = _messages(report_graph, node)
        if component == _SH + "SPARQLConstraintComponent":
            source = _one(report_graph, node, "sourceConstraint")
            c = by_constraint.get(str(source)) if source is not None else by_shape.get(str(shape))
            results.append(_sparql_result(c, severity, focus, value, _message_texts(report_graph, node)))
            continue
        prop = _property_for(shapes_graph, props, shape, component)
        if prop is None:
            raise ValueError(f"pyshacl reported a result of a shape the fast engine does not run: {shape} {component}")
        results.append(_core_result(prop, severity, focus, component, value, messages))
    return results


def validate_dataset_pyshacl(data: ox.Store, document_id: str, settings: Settings) -> ValidationReport:
    """Validate the dataset of kg.validation.dataset with pyshacl (no inference: the dataset
    holds the inferred graph already, as it does for the fast engine)."""
    import pyshacl

    started = time.perf_counter()
    document = Iris(settings.base_iri).document(document_id).value
    files = shapes_files(document_family(data, document).key)
    shapes = _shapes_graph(files)
    _check_each_query_once()
    _, report_graph, text = pyshacl.validate(_rdflib_graph(data), shacl_graph=shapes, inference="none", advanced=False)
    if not hasattr(report_graph, "subjects"):  # pyshacl answers a ValidationFailure in place of the report
        raise ValueError(f"pyshacl refused the shapes: {text}")
    results = with_pages(data, _results(report_graph, shapes, files))
    return ValidationReport(document_id, document, sorted_results(results), time.perf_counter() - started)
