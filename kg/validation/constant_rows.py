"""A UNION of groups that only BIND constants, run as the VALUES block it means.

The shapes list fixed cases as ``{ BIND(bkg:figure-reception AS ?kind) BIND("r" AS ?key) }
UNION { … }``: SHACL forbids VALUES in a query that a focus node is pre-bound into (SHACL
1.0 §5.3.1), and pyshacl runs the files as they are. The fast engine runs each query once
with ``$this`` free, where VALUES means the same solutions, and Oxigraph plans one VALUES
node far more cheaply than a UNION of BIND chains: its optimiser infers the variables'
types again at every BIND of every branch. fa-narrative-table's 17 cases took 24.5 ms
to plan and 8.4 as VALUES; the 23 queries with such lists, 106 -> 70 ms (on an empty
store, where planning is all there is).

Text in, text out, like ``kg.validation.constraint_groups``; a list is rewritten only where
every branch binds the same variables to constants and no UNION continues it.
``tests/test_validation_constant_rows.py`` runs every rewritten query against its original
on the seeds and 决算.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A constant: a string without a line break, a prefixed name, an IRI, a number, a boolean.
_CONSTANT = r'"(?:[^"\\\n]|\\.)*"|[A-Za-z][\w-]*:[\w.-]*|<[^<>\s]*>|-?\d+(?:\.\d+)?|true|false'
_BIND = rf"BIND\(\s*({_CONSTANT})\s+AS\s+(\?\w+)\s*\)"
_GROUP = rf"\{{\s*(?:{_BIND}\s*)+\}}"
_GAP = r"(?:\s|#[^\n]*\n)*"  # white space and comments between branches
_LIST = re.compile(rf"{_GROUP}(?:{_GAP}UNION{_GAP}{_GROUP})+")
_BIND_RE = re.compile(_BIND)
_GROUP_RE = re.compile(_GROUP)
_TRAILING_GAP = re.compile(rf"{_GAP}\Z")
_LEADING_GAP = re.compile(rf"\A{_GAP}")


@lru_cache(maxsize=None)
def with_values(select: str) -> str:
    """``select`` with each UNION of constant-BIND groups written as one VALUES block."""
    out: list[str] = []
    done = 0
    for found in _LIST.finditer(select):
        before = _TRAILING_GAP.sub("", select[: found.start()])
        after = _LEADING_GAP.sub("", select[found.end() :])
        if before.endswith("UNION") or after.startswith("UNION"):
            continue  # part of a longer UNION whose other branches do more than BIND
        values = _values(found.group())
        if values is None:
            continue
        out.append(select[done : found.start()] + values)
        done = found.end()
    out.append(select[done:])
    return "".join(out)


def _values(branches: str) -> str | None:
    """The VALUES block of a list of BIND-only branches, None unless every branch binds the
    same variables, each once."""
    rows: list[dict[str, str]] = []
    for group in _GROUP_RE.finditer(branches):
        binds = _BIND_RE.findall(group.group())
        row = {variable: constant for constant, variable in binds}
        if len(row) != len(binds):
            return None
        rows.append(row)
    variables = list(rows[0])
    if any(set(row) != set(variables) for row in rows):
        return None
    lines = " ".join("(" + " ".join(row[v] for v in variables) + ")" for row in rows)
    return f"VALUES ({' '.join(variables)}) {{ {lines} }}"
