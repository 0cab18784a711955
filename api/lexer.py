"""A small SPARQL lexer: enough to look at a request before Oxigraph parses it.

The endpoint never evaluates with this; Oxigraph parses and evaluates the query
string. The lexer only answers questions about the text that must be answered
before evaluation: which operation it is (query form or update), and where the
protocol's ``using-graph-uri`` / ``using-named-graph-uri`` go in an update (as
``USING`` clauses before each top-level ``WHERE``). Strings, IRIs and comments
are skipped so that a keyword inside them is never mistaken for one.

It is not a security check: whether a request reaches out (``SERVICE``,
``LOAD``) is read from a real grammar's parse tree (``api.outbound``), and the
serving process cannot open internet sockets anyway (``api.sandbox``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.memo import text_cache

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[^\s{}()<>,;"'\[\]\\]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d[\w.+-]*)
  | (?P<open>[{])
  | (?P<close>[}])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_FORMS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


@dataclass(frozen=True)
class Word:
    text: str  # upper-cased
    start: int
    depth: int  # brace depth at the word
    previous: str  # the significant token just before it, upper-cased ("" at the start)


@dataclass(frozen=True)
class Token:
    kind: str  # a group name of _TOKEN: iri, var, string, pname, word, number, open, close, other, lang
    text: str
    start: int = 0  # offset in the text
    depth: int = 0  # brace depth at the token


@text_cache(maxsize=512)
def tokens(text: str) -> tuple[Token, ...]:
    """The significant tokens of ``text`` (no whitespace or comments), in order (cached)."""
    found: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        # lastgroup is typed optional; every alternative of _TOKEN is a named group.
        found.append(Token(kind, match.group(), match.start(), depth))  # type: ignore[arg-type]
        if kind == "open":
            depth += 1
    return tuple(found)


@text_cache(maxsize=512)
def words(text: str) -> tuple[Word, ...]:
    """The bare words (keywords) of ``text`` outside strings, IRIs and comments (cached)."""
    found: list[Word] = []
    previous = ""
    for token in tokens(text):
        if token.kind == "word":
            found.append(Word(token.text.upper(), token.start, token.depth, previous))
        previous = token.text.upper()
    return tuple(found)


def operation_keyword(text: str) -> str | None:
    """The keyword that says what ``text`` is: SELECT, ASK, …, or an update verb."""
    for word in words(text):
        if word.text in QUERY_FORMS or word.text in UPDATE_FORMS:
            return word.text
    return None


def has_update_dataset_clause(text: str) -> bool:
    """Whether the update names its own dataset (``USING`` / ``USING NAMED`` / ``WITH``)."""
    return any(w.depth == 0 and w.text in ("USING", "WITH") for w in words(text))


def add_using_clauses(text: str, using: list[str], using_named: list[str]) -> str:
    """Insert ``USING``/``USING NAMED`` before every top-level ``WHERE`` of a DELETE/INSERT.

    ``DELETE WHERE`` shorthand takes no ``USING`` clause (SPARQL 1.1 Update §3.1.3.3),
    so it is left alone.
    """
    clause = "".join(f" USING <{g}>" for g in using) + "".join(f" USING NAMED <{g}>" for g in using_named)
    if not clause:
        return text
    inserts = [word.start for word in words(text) if word.text == "WHERE" and word.depth == 0 and word.previous != "DELETE"]
    for position in reversed(inserts):
        text = text[:position] + clause.lstrip() + " " + text[position:]
    return text


_INTEGER_AFTER = re.compile(r"\s*(\d+)\b")


def top_level_limit(text: str) -> int | None:
    """The ``LIMIT n`` of the outermost query (not a subquery's), when it has one.

    Conservative: anything but whitespace between ``LIMIT`` and the number (a
    comment, say) gives ``None``, as if there were no limit.
    """
    for word in words(text):
        if word.text == "LIMIT" and word.depth == 0:
            match = _INTEGER_AFTER.match(text, word.start + len("LIMIT"))
            return int(match.group(1)) if match else None
    return None
