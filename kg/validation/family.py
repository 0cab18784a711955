"""Which family's shapes check a document: read from the document's own types in the dataset.

The dataset is all validation sees (a stored document is validated without its
parsed records), and mapping types a 决算's document node bkg:FinalAccountsDocument
(``Family.classes.family``), so the type decides. A budget is the default as in
``kg.families.recognise_family``: its class, bkg:BudgetDocument, is also a superclass
of every other family's in the inferred graph, so it cannot tell them apart.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.families import Family, all_families, family_by_key
from kg.vocabulary import BKG, RDF


def document_family(data: ox.Store, document: str) -> Family:
    """The family whose own class (other than the budget's shared superclass) types ``document``."""
    default = family_by_key("budget")
    for family in all_families():
        if family.classes.family == default.classes.family:
            continue
        asked = f"ASK {{ <{document}> <{RDF.type.value}> <{BKG[family.classes.family].value}> }}"
        if data.query(asked, use_default_graph_as_union=True):
            return family
    return default
