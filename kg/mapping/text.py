"""The document as printed: its lines and prose sentences (for the presentation shapes),
its glossary (名词解释) as a SKOS scheme, and what the parser warned of."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import Iris
from kg.mapping.graph import DocumentGraph, zh
from kg.records import ParsedDocument
from kg.vocabulary import BKG, PROV, RDF, RDFS, SKOS


def map_text(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, document: ParsedDocument) -> None:
    """The lines and prose sentences as printed, for the presentation shapes (shapes/presentation.ttl)."""
    for line in document.text_lines:
        node = iris.in_document(doc_id, "line", line.line)
        out.add(node, RDF.type, BKG.TextLine)
        if line.prose:
            out.add(node, RDF.type, BKG.ProseLine)
        if line.heading:
            out.add(node, RDF.type, BKG.HeadingLine)
        out.add(node, BKG.printedIn, doc)
        out.add(node, BKG.printedText, ox.Literal(line.text))
        out.source_line(node, line.line)
    for number, sentence in enumerate(document.sentences, start=1):
        node = iris.in_document(doc_id, "sentence", number)
        out.add(node, RDF.type, BKG.ProseSentence)
        out.add(node, BKG.printedIn, doc)
        out.add(node, BKG.printedText, ox.Literal(sentence.text))
        out.lines(node, sentence.lines)


def map_glossary(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, document: ParsedDocument) -> None:
    if not document.glossary:
        return
    scheme = iris.in_document(doc_id, "glossary")
    out.add(scheme, RDF.type, SKOS.ConceptScheme)
    out.add(scheme, RDFS.label, zh(f"{document.info.title} 名词解释"))
    out.add(doc, BKG.glossary, scheme)
    for number, entry in enumerate(document.glossary, start=1):
        node = iris.in_document(doc_id, "glossary", number)
        out.add(node, RDF.type, SKOS.Concept)
        out.add(node, SKOS.inScheme, scheme)
        out.add(node, SKOS.prefLabel, zh(entry.term))
        out.add(node, SKOS.definition, zh(entry.definition))
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, entry.lines)


def map_warnings(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, document: ParsedDocument) -> None:
    for number, warning in enumerate(document.warnings, start=1):
        node = iris.in_document(doc_id, "warning", number)
        out.add(node, RDF.type, BKG.ParseWarning)
        out.add(doc, BKG.warning, node)
        out.add(node, BKG.message, ox.Literal(warning.message))
        out.lines(node, warning.lines)
