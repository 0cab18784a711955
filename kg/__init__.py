"""budgetkg: budget disclosures -> tables -> records -> RDF -> store.

A document flows one way through these modules:

- ``readers/``     a file (text or PDF) -> normalised ``SourceText`` (lines, pages)
- ``tables``       ``SourceText`` -> ``RawTable`` (rows, page breaks merged)
- ``recognition``  a table's title and header -> ``TableKind``
- ``extract/``     ``RawTable``/prose -> typed records (``records``)
- ``mapping``      records -> RDF quads in one named graph (``iris``, ``vocabulary``)
- ``store``        quads -> Oxigraph (embedded) or any SPARQL 1.1 store
- ``ingest``       the pipeline above, one document at a time, atomically
"""

__version__ = "0.1.0"
