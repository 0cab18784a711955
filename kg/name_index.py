"""The name index: each unit's name cut into two-character pieces, so a search by part of a
name reads only the units that can match.

Why. Oxigraph has no text index. "Which units have 教育 in their name", written as
``?unit a bkg:BudgetUnit ; skos:prefLabel ?name FILTER(CONTAINS(?name, "教育"))``, looks up
every unit's name and reads it from the store's string table before the FILTER can test it.
On the 10,000 generated budgets of ``budgetkg bench --large`` (5,000 units, the store merged,
in process, best of 5, idle machine): 83-95 ms, of which the name lookups 40 ms (8 µs each)
and reading the names 30 ms (6 µs each); over HTTP it was the mix's p50 (issue 13: 55.7 ms
against the 50 ms target). A piece of two characters is a short literal that Oxigraph keeps
inside the quad's own key (up to 15 bytes of UTF-8: six for two Chinese characters), so
``?unit bkg:nameBigram "教育"`` is one range of one index with no string to read: 0.6 ms for
the 625 units, and the whole search through it 20 ms (what is left is looking up and reading
the 625 names the answer returns).

Exactness. A name contains the needle only if it contains every piece of the needle, so the
units that carry the needle's first piece include every unit of the answer; ``CONTAINS`` on
their names then leaves exactly the answer (``tests/test_name_index.py`` compares both forms
for every piece and longer needles of the seeds' and generated units' names). Pieces are cut
from the lowercased name, so a case-insensitive search (``LCASE``) is served as well. A needle
of one character has no piece and is answered by reading every name, as before.

Where. The pieces go to the shared reference graph with the unit's type and name
(``kg.mapping``), written by every document that names the unit and identical in every copy.
A store written before this module has none: ``budgetkg summarize`` writes them
(``rebuild``), and ``api.search`` reads every name while a store has none.
"""

from __future__ import annotations

from typing import Iterator

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.solutions import solutions
from kg.store import GraphStore
from kg.vocabulary import BKG, sparql_prefixes

PIECE_LENGTH = 2
# Quads a rebuild inserts per update: about 40 bytes of text each.
_INSERT_QUADS = 20_000


def name_pieces(name: str) -> list[str]:
    """The distinct two-character pieces of ``name``, lowercased, in order of first appearance."""
    text = name.lower()
    return list(dict.fromkeys(text[i : i + PIECE_LENGTH] for i in range(len(text) - PIECE_LENGTH + 1)))


def index_quads(subject: ox.NamedNode, name: str, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads ``subject bkg:nameBigram "piece"`` of ``name``, in ``graph``."""
    for piece in name_pieces(name):
        yield ox.Quad(subject, BKG.nameBigram, ox.Literal(piece), graph)


def narrowing_pattern(variable: str, needle: str) -> str:
    """A triple pattern (SPARQL text) binding ``?variable`` to the subjects whose name may contain
    ``needle`` (case-insensitively), or "" for a needle too short to have a piece. The caller
    still tests the name with CONTAINS: the pattern narrows, it does not decide."""
    pieces = name_pieces(needle)
    if not pieces:
        return ""
    return f"?{variable} {BKG.nameBigram} {ox.Literal(pieces[0])} ."


_UNIT_NAMES = "SELECT DISTINCT ?unit ?name WHERE { ?unit a bkg:BudgetUnit ; skos:prefLabel ?name }"


def rebuild(store: GraphStore, settings: Settings) -> int:
    """Write the pieces of every stored unit's name into the reference graph (a store written
    before this module; written again, they are the same quads); how many quads."""
    graph = Iris(settings.base_iri).reference_graph()
    quads = [
        quad
        for row in solutions(store.query(sparql_prefixes() + _UNIT_NAMES))
        if isinstance(unit := row["unit"], ox.NamedNode) and isinstance(name := row["name"], ox.Literal)
        for quad in index_quads(unit, name.value, graph)
    ]
    for start in range(0, len(quads), _INSERT_QUADS):
        part = quads[start : start + _INSERT_QUADS]
        # INSERT DATA, not GraphStore.load: that replaces the graph, and the reference graph holds
        # every shared description (codes, units, projects); an embedded or a remote store alike.
        store.update(f"INSERT DATA {{ GRAPH {graph} {{ {' '.join(f'{q.subject} {q.predicate} {q.object} .' for q in part)} }} }}")
    return len(quads)
