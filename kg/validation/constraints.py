"""The shapes compiled: what the Oxigraph engine runs for each constraint.

Frozen records read once from the shapes graph (``kg.validation.shapes``) and shared by
the fast engine, the pyshacl engine (which matches pyshacl's results back to them) and
the report (an identity's labels); apart from the reading so that grouping
(``kg.validation.constraint_groups``) and the engines need not load shapes files.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.solutions import Term
from kg.validation.results import Severity

Targets = tuple[tuple[str, str], ...]  # ("class" | "subjectsOf" | "objectsOf", iri), sorted
# A property parameter's value: one term (sh:minCount 1), or sh:in's list of terms.
ParamValue = Term | tuple[Term, ...]


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    constraint: str
    targets: Targets
    select: str  # with its prefixes, ``$this`` written ``?this``
    severity: Severity
    messages: dict[str, str]  # language tag → template
    identity: str | None
    labels: dict[str, str]  # the identity's rdfs:label by language


@dataclass(frozen=True)
class PropertyConstraint:
    shape: str
    node: str
    targets: Targets
    path: str
    params: tuple[tuple[str, ParamValue], ...]  # (local name of the parameter, its value or values)


@dataclass(frozen=True)
class SparqlGroup:
    """Constraints run by one query; ``select`` None: one constraint, run its own query."""

    constraints: tuple[SparqlConstraint, ...]
    select: str | None
