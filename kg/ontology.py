"""The ontology file, read in one place.

Ingest loads it into its own graph and validation puts it into every document's
dataset; both used to read it on their own, and validation imported kg.ingest for
it (a cycle: ingest imports validation to validate). Parsing it takes about 10 ms,
so the parsed triples are cached per process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

ONTOLOGY_FILE = "budgetkg.ttl"


def ontology_turtle() -> bytes:
    """ontology/budgetkg.ttl as shipped with the package."""
    return resources.files("ontology").joinpath(ONTOLOGY_FILE).read_bytes()


@lru_cache(maxsize=1)
def ontology_triples() -> tuple[ox.Triple, ...]:
    return tuple(ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE))
