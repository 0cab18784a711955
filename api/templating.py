"""The Jinja2 environment every HTML page and chart is rendered with.

Autoescape is on for every template: labels, row names and prose come from the documents,
and one of them could spell markup. Amount filters keep figures exact: they format the
Decimal they are given and never pass through a float.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup


def wan(yuan: Decimal | None) -> str:
    """Yuan as 万元 with two decimals (what the documents print)."""
    return "" if yuan is None else f"{yuan / 10000:,.2f}"


def yuan(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def percent(rate: Decimal | None) -> str:
    return "" if rate is None else f"{rate:.2f}%"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    env.filters.update(wan=wan, yuan=yuan, percent=percent)
    # RDF terms reach the resource pages as they come out of the store; the macro that shows
    # one ("term" in pages/_macros.html) links an IRI, marks a blank node and tags a literal.
    env.tests.update(iri=lambda value: isinstance(value, ox.NamedNode), blank=lambda value: isinstance(value, ox.BlankNode))
    return env


def render(name: str, **context: object) -> Markup:
    """The template's output, marked safe so that another template can include it unescaped."""
    return Markup(environment().get_template(name).render(**context))
