"""SHACL validation of budget documents (domain.md §7; shapes in shapes/*.ttl).

One concept per module:

- ``results``: ValidationResult (built by keyword), Severity, ValidationReport
- ``shapes``: the shapes files compiled once for the fast engine
- ``dataset``: what a document is validated against (its graphs, the ontology, the 类 names)
- ``engine``: the fast engine on Oxigraph (0.2-0.5 CPU s a seed document)
- ``pyshacl_engine``: the same shapes through pyshacl, the reference implementation
- ``documents``: validate from quads, from a store, or read the stored report
- ``report_graph``: the report as a SHACL report graph, and back
- ``cross_document``: identities only the whole store can check
- ``categories``: the official 类 names as data for the shapes
- ``rendering``: JSON, Turtle and text (HTML: api.validation_html)

The names below are the package's interface; other modules import them from here.
"""

from kg.validation.categories import CATEGORIES_FILE, classification_categories_turtle, classification_quads
from kg.validation.cross_document import CROSS_DOCUMENT_ID, cross_document_report, cross_document_results
from kg.validation.dataset import build_dataset, document_ids, has_graph, ontology_quads
from kg.validation.documents import ENGINES, validate_quads, validate_stored_document, validation_report
from kg.validation.engine import validate_dataset
from kg.validation.rendering import report_as, report_as_json, report_as_text, report_as_turtle
from kg.validation.report_graph import report_quads
from kg.validation.results import Severity, ValidationReport, ValidationResult
from kg.validation.shapes import BKGR, SHAPES_NS, compiled_groups, compiled_shapes, shapes_turtle

__all__ = [
    "BKGR",
    "CATEGORIES_FILE",
    "CROSS_DOCUMENT_ID",
    "ENGINES",
    "SHAPES_NS",
    "Severity",
    "ValidationReport",
    "ValidationResult",
    "build_dataset",
    "classification_categories_turtle",
    "classification_quads",
    "compiled_groups",
    "compiled_shapes",
    "cross_document_report",
    "cross_document_results",
    "document_ids",
    "has_graph",
    "ontology_quads",
    "report_as",
    "report_as_json",
    "report_as_text",
    "report_as_turtle",
    "report_quads",
    "shapes_turtle",
    "validate_dataset",
    "validate_quads",
    "validate_stored_document",
    "validation_report",
]
