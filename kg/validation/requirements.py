"""What a constraint's query needs in the data before it can answer anything.

Most of the cost of a validation query on one document is Oxigraph planning it, not
running it: the 124 queries a generated budget runs take 101 ms of CPU on an empty store
and 131 ms on the document (``sparopt`` infers variable types again at every join,
BIND and FILTER of the tree). On a document that lacks what a query joins on (a budget
without year-on-year percentages, without 政府采购 rows), the query can only answer
nothing, and it need not be planned at all: 22-25 of the 124 on generated budgets, 25-41 ms
of that planning.

A query needs a predicate (or a class, for ``?x a C``) when a triple pattern with it sits
on a mandatory path from the query's root: in a group's own triples, in a group joined to
them, in every branch of a UNION, in a sub-SELECT that groups by something or does not
aggregate. Not inside OPTIONAL, MINUS, [NOT] EXISTS, GRAPH, SERVICE, a property path, or
a SELECT that aggregates without GROUP BY (it answers one row over nothing). Each such
pattern alone matches nothing where its predicate is absent, and so does every join
above it.

The reading is lexical and conservative: whatever it does not recognise needs nothing,
which can only make it skip fewer queries. ``tests/test_validation_requirements.py``
checks, for every query of every family, that what it finds is among what rdflib's
SPARQL algebra of the same query makes mandatory, and that skipping changes no report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from kg.vocabulary import RDF

# Longest first: a long string before a short one, an IRI (no spaces, SPARQL's IRIREF)
# before a "<" comparison, a comment to the end of its line.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
    r"|[{}()\[\];,]"
    r"|[^\s{}()\[\];,\"'<#]+"
    r"|\S",
    re.S,
)
_AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
# Keywords that open an element whose group is not a mandatory join of its parent.
_NOT_JOINED = frozenset({"OPTIONAL", "MINUS", "GRAPH", "SERVICE"})
_PATH_CHARACTERS = frozenset("/|^*+?!()")


@dataclass(frozen=True)
class Requirements:
    """Predicates and classes each of which the data must hold for the query to answer."""

    predicates: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()

    def __or__(self, other: Requirements) -> Requirements:
        return Requirements(self.predicates | other.predicates, self.classes | other.classes)

    def __and__(self, other: Requirements) -> Requirements:
        return Requirements(self.predicates & other.predicates, self.classes & other.classes)

    def __bool__(self) -> bool:
        return bool(self.predicates or self.classes)


NOTHING = Requirements()


def tokens(sparql: str) -> list[str]:
    """The query's tokens without comments; a word's final ``.`` (a triple's end) on its own."""
    out: list[str] = []
    for match in _TOKEN.finditer(sparql):
        token = match.group()
        if token.startswith("#"):
            continue
        # No SPARQL term ends in ".": "1." is the integer 1 and a triple's end.
        if len(token) > 1 and token.endswith(".") and token[0] not in "\"'<":
            out.extend((token[:-1], "."))
        else:
            out.append(token)
    return out


@lru_cache(maxsize=None)
def query_requirements(sparql: str) -> Requirements:
    """What the SELECT ``sparql`` needs in its dataset to answer a solution (NOTHING if
    the reading finds nothing it is sure of)."""
    reader = _Reader(tokens(sparql))
    try:
        return reader.query()
    except _NotUnderstood:
        return NOTHING


class _NotUnderstood(Exception):
    """The tokens are not the shape this reader knows: the query needs nothing it can name."""


class _Reader:
    def __init__(self, tokens: list[str]) -> None:
        self._tokens = tokens
        self._at = 0
        self._prefixes: dict[str, str] = {}

    def _peek(self, ahead: int = 0) -> str:
        index = self._at + ahead
        return self._tokens[index] if index < len(self._tokens) else ""

    def _next(self) -> str:
        token = self._peek()
        if not token:
            raise _NotUnderstood("unexpected end of the query")
        self._at += 1
        return token

    def _expect(self, token: str) -> None:
        if self._next() != token:
            raise _NotUnderstood(f"expected {token}")

    def query(self) -> Requirements:
        while self._peek().upper() in ("PREFIX", "BASE"):
            keyword = self._next().upper()
            if keyword == "BASE":
                self._next()
                continue
            name, iri = self._next(), self._next()
            if not name.endswith(":") or not (iri.startswith("<") and iri.endswith(">")):
                raise _NotUnderstood("a PREFIX declaration")
            self._prefixes[name[:-1]] = iri[1:-1]
        if self._peek().upper() != "SELECT":
            raise _NotUnderstood("not a SELECT")
        return self._select()

    def _select(self) -> Requirements:
        """``SELECT … WHERE { … } modifiers``, from SELECT to the end of its modifiers."""
        self._expect_keyword("SELECT")
        aggregates = False
        while self._peek() != "{" and self._peek().upper() != "WHERE":
            aggregates |= self._next().upper() in _AGGREGATES
        if self._peek().upper() == "WHERE":
            self._next()
        needs = self._group()
        grouped = False
        # Solution modifiers, up to the end of the query or of the sub-SELECT's group.
        while self._peek() and self._peek() != "}":
            token = self._next().upper()
            grouped |= token == "GROUP" and self._peek().upper() == "BY"
            # HAVING without GROUP BY groups every solution into one, like an aggregate.
            aggregates |= token in _AGGREGATES or token == "HAVING"
            if token == "VALUES":  # trailing VALUES: a join like any other, but rare here
                raise _NotUnderstood("VALUES after the query's group")
            if token == "(":
                self._skip_balanced("(", ")")
        # Aggregates without GROUP BY: one group, one row, even over no solution.
        return needs if grouped or not aggregates else NOTHING

    def _expect_keyword(self, keyword: str) -> None:
        if self._next().upper() != keyword:
            raise _NotUnderstood(f"expected {keyword}")

    def _skip_balanced(self, opening: str, closing: str) -> None:
        """Past the ``closing`` that matches an ``opening`` already read."""
        depth = 1
        while depth:
            token = self._next()
            depth += (token == opening) - (token == closing)

    def _group(self) -> Requirements:
        """``{ … }``: what every solution of the group needs, the union over its joined parts."""
        self._expect("{")
        if self._peek().upper() == "SELECT":
            needs = self._select()
            self._expect("}")
            return needs
        needs = NOTHING
        triples: list[str] = []
        while True:
            token = self._peek()
            keyword = token.upper()
            if token == "}" or token == "{" or keyword in _NOT_JOINED or keyword in ("FILTER", "BIND", "VALUES"):
                needs |= self._triples(triples)
                triples = []
            if token == "}":
                self._next()
                return needs
            if token == "{":
                needs |= self._union()
            elif keyword in _NOT_JOINED:
                self._next()
                while self._peek() != "{":  # GRAPH ?g, SERVICE SILENT <…>
                    self._next()
                self._next()
                self._skip_balanced("{", "}")
            elif keyword == "FILTER":
                self._next()
                self._skip_constraint()
            elif keyword == "BIND":
                self._next()
                self._expect("(")
                self._skip_balanced("(", ")")
            elif keyword == "VALUES":
                self._next()
                while self._peek() != "{":
                    self._next()
                self._next()
                self._skip_balanced("{", "}")
            else:
                triples.append(self._next())

    def _skip_constraint(self) -> None:
        """A FILTER's constraint: ``( … )``, a function call, or [NOT] EXISTS ``{ … }``."""
        token = self._next()
        if token.upper() == "NOT":
            token = self._next()
        if token.upper() == "EXISTS":
            self._expect("{")
            self._skip_balanced("{", "}")
            return
        if token != "(":
            self._expect("(")  # a function call: REGEX( … ), bound( … )
        self._skip_balanced("(", ")")

    def _union(self) -> Requirements:
        """``{ … } UNION { … } …``: what every branch needs."""
        needs = self._group()
        while self._peek().upper() == "UNION":
            self._next()
            needs &= self._group()
        return needs

    def _triples(self, block: list[str]) -> Requirements:
        """A block of triple patterns: each ``subject verb objects ; verb objects .``."""
        needs = NOTHING
        for statement in _split(block, "."):
            sections = _split(statement, ";")
            if not sections or not sections[0]:
                continue
            # The subject is one term, or a bracketed one: only the one-token form is read.
            first = sections[0]
            if first[0] in ("[", "("):
                continue
            sections[0] = first[1:]
            for section in sections:
                needs |= self._verb_objects(section)
        return needs

    def _verb_objects(self, section: list[str]) -> Requirements:
        """``verb object, object``: needs the verb's predicate when it is one IRI (not a path,
        not a variable), or the class of ``a C``."""
        if len(section) < 2:
            return NOTHING
        verb, objects = section[0], _split(section[1:], ",")
        if any(len(obj) != 1 and not _literal_with_suffix(obj) for obj in objects):
            return NOTHING  # a path written with spaces, a bracketed object: not read
        if verb == "a":
            classes = [self._iri(obj[0]) for obj in objects]
            if any(c is None for c in classes):
                return NOTHING
            return Requirements(classes=frozenset(c for c in classes if c is not None))
        predicate = self._iri(verb)
        if predicate is None:
            return NOTHING
        return Requirements(predicates=frozenset({predicate}))

    def _iri(self, token: str) -> str | None:
        """The IRI a token names (``<…>`` or ``prefix:local``), None if it is anything else."""
        if token.startswith("<") and token.endswith(">"):
            return token[1:-1]
        if token[:1] in ('"', "'", "?", "$", "_") or any(c in _PATH_CHARACTERS for c in token):
            return None
        prefix, colon, local = token.partition(":")
        if not colon or prefix not in self._prefixes or not re.fullmatch(r"[\w\-.]*", local):
            return None
        return self._prefixes[prefix] + local


def _literal_with_suffix(term: list[str]) -> bool:
    """A literal and its datatype or language tag: ``"1"`` ``^^xsd:int``, ``"x"`` ``@zh``."""
    return len(term) == 2 and term[0][:1] in ('"', "'") and term[1][:1] in ("^", "@")


def _split(block: list[str], separator: str) -> list[list[str]]:
    """``block`` cut at ``separator`` outside brackets and parentheses; empty parts dropped."""
    parts: list[list[str]] = [[]]
    depth = 0
    for token in block:
        depth += token in ("[", "(")
        depth -= token in ("]", ")")
        if token == separator and depth == 0:
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


class PresentTerms:
    """Which predicates and classes one dataset holds, each looked up once: the first
    quad of the pattern (a few microseconds) in the union of its graphs, which is what
    the validation queries read."""

    def __init__(self, data: ox.Store) -> None:
        self._data = data
        self._known: dict[tuple[str, str], bool] = {}

    def _holds(self, kind: str, iri: str) -> bool:
        key = (kind, iri)
        if key not in self._known:
            if kind == "predicate":
                found: Iterator[ox.Quad] = self._data.quads_for_pattern(None, ox.NamedNode(iri), None, None)
            else:
                found = self._data.quads_for_pattern(None, RDF.type, ox.NamedNode(iri), None)
            self._known[key] = next(found, None) is not None
        return self._known[key]

    def meet(self, needs: Requirements) -> bool:
        return all(self._holds("predicate", p) for p in needs.predicates) and all(self._holds("class", c) for c in needs.classes)
