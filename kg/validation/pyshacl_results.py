"""pyshacl's report graph read back into ValidationResults, as the fast engine gives them.

pyshacl's report carries the standard terms only. The ``bkgr:`` facts of a result
(lines, figures) are read back from its filled-in English ``sh:message``, whose
template is known (pyshacl drops the messages' language tags: each is told by the
template it matches); value stays as pyshacl gives it (``sh:value``); expected,
difference and tolerance where a message prints them (most print them in 万元 only,
``{?expectedW}``, and leave them None). Apart from running pyshacl
(``kg.validation.pyshacl_engine``): this half knows rdflib's graphs and our compiled
shapes, not pyshacl.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.validation.constraints import PropertyConstraint, SparqlConstraint
from kg.validation.results import Severity, ValidationResult, lines_of
from kg.validation.shapes import ShapesFiles, compiled_shapes

if TYPE_CHECKING:  # rdflib is imported when pyshacl runs, not with kg.validation
    from rdflib import Graph
    from rdflib.term import Node

_SH = "http://www.w3.org/ns/shacl#"


def _message_pattern(template: str) -> re.Pattern[str]:
    """A regex that reads the variables back out of a message filled from ``template``."""
    out: list[str] = []
    seen: set[str] = set()
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


def _one(graph: Graph, subject: Node, predicate: str) -> Node | None:
    import rdflib

    return graph.value(subject, rdflib.URIRef(_SH + predicate))


def _messages(graph: Graph, node: Node) -> dict[str, str]:
    import rdflib

    return {(m.language if isinstance(m, rdflib.Literal) else None) or "": str(m) for m in graph.objects(node, rdflib.URIRef(_SH + "resultMessage"))}


def _message_texts(graph: Graph, node: Node) -> list[str]:
    import rdflib

    return sorted(str(m) for m in graph.objects(node, rdflib.URIRef(_SH + "resultMessage")))


def _sparql_result(c: SparqlConstraint, severity: Severity, focus: str, value: Node | None, texts: list[str]) -> ValidationResult:
    found = _by_template(c, texts)
    messages = {lang: text for lang, (text, _) in found.items()}
    values = (found.get("en") or found.get("zh") or ("", {}))[1]
    return ValidationResult(
        severity=severity,
        focus=focus,
        identity=c.identity,
        identity_label_zh=c.labels.get("zh"),
        identity_label_en=c.labels.get("en"),
        message_zh=messages.get("zh", ""),
        message_en=messages.get("en", ""),
        source_shape=c.shape,
        constraint=c.constraint,
        component=_SH + "SPARQLConstraintComponent",
        value=str(value) if value is not None else None,
        lines=lines_of(values.get("lines")),
        figures=values.get("figures") or None,
        expected=values.get("expected") or None,
        difference=values.get("difference") or None,
        tolerance=values.get("tolerance") or None,
    )


def _core_result(prop: PropertyConstraint, severity: Severity, focus: str, component: str, value: Node | None, messages: dict[str, str]) -> ValidationResult:
    text = messages.get("en") or messages.get("") or ""
    return ValidationResult(
        severity=severity,
        focus=focus,
        message_zh=messages.get("zh", text),
        message_en=text,
        source_shape=prop.shape,
        constraint=prop.node,
        component=component,
        path=prop.path,
        value=str(value) if value is not None else None,
    )


def _property_for(shapes_graph: Graph, props: tuple[PropertyConstraint, ...], property_shape: Node | None, component: str) -> PropertyConstraint | None:
    """The compiled property constraint pyshacl's result comes from: pyshacl names the property
    shape (a blank node of its own graph), the fast engine the node shape that holds it."""
    import rdflib

    owner = shapes_graph.value(None, rdflib.URIRef(_SH + "property"), property_shape)
    path = shapes_graph.value(property_shape, rdflib.URIRef(_SH + "path"))
    key = component[len(_SH) : -len("ConstraintComponent")]
    key = key[0].lower() + key[1:]
    for prop in props:
        if prop.shape == str(owner) and prop.path == str(path) and any(k == key for k, _ in prop.params):
            return prop
    return None


def pyshacl_results(report_graph: Graph, shapes_graph: Graph, files: ShapesFiles) -> list[ValidationResult]:
    """The results of pyshacl's report graph, each matched to the compiled constraint it
    comes from (a ValueError names a result the fast engine has no constraint for)."""
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
            if c is None:
                raise ValueError(f"pyshacl reported a result of a SPARQL constraint the fast engine does not run: {shape} {source}")
            results.append(_sparql_result(c, severity, focus, value, _message_texts(report_graph, node)))
            continue
        prop = _property_for(shapes_graph, props, shape, component)
        if prop is None:
            raise ValueError(f"pyshacl reported a result of a shape the fast engine does not run: {shape} {component}")
        results.append(_core_result(prop, severity, focus, component, value, messages))
    return results
