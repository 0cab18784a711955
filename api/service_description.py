"""The SPARQL 1.1 Service Description returned by GET /sparql without a query.

https://www.w3.org/TR/sparql11-service-description/ : the endpoint, the
languages (query; update when enabled), the result formats, the union default
graph feature and the dataset (one named graph per document).
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.oxigraph_bytes import written

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

_RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "TriG",
    "N-Quads",
]


def _sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def description(endpoint: str, graphs: list[str], *, update: bool, update_endpoint: str | None = None) -> list[ox.Triple]:
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, DCT_TITLE, ox.Literal("budgetkg SPARQL endpoint", language="en")),
        ox.Triple(service, DCT_TITLE, ox.Literal("budgetkg 预算知识图谱 SPARQL 服务", language="zh")),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    if update:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
        if update_endpoint:
            triples.append(ox.Triple(service, _sd("endpoint"), ox.NamedNode(update_endpoint)))
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in _RESULT_FORMATS]
    for index, graph in enumerate(graphs):
        node = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(graph)),
        ]
    return triples


def serialize(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    prefixes = {"sd": SD, "formats": FORMATS, "dcterms": "http://purl.org/dc/terms/"}
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return written(ox.serialize(triples, format=fmt, prefixes=prefixes))
    return written(ox.serialize(triples, format=fmt))
