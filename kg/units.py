"""A unit's identity across documents and years: its name, normalised.

Each document mints its unit's IRI alone (in a worker process), so the IRI must
be a function of what the document prints: the name, normalised so that variants
of one name meet. Normalising is deliberately narrow: spacing (a PDF prints
"中共上海市普陀区委社会工作部 2024 年度" over lines), full-width brackets and a
trailing "(本级)" (a 部门决算 lists "上海市普陀区财政局(本级)" for the department
itself). It does not strip 人民政府, 本级 without brackets or region prefixes: "某镇
人民政府本级" is the government's own accounts, not the township's whole 部门, and
"上海市规划和自然资源局" (a 决算's table heading) is the city bureau by its name,
whatever the document meant. Units that print the same unit code are linked by
``kg.links`` instead, with that code as evidence.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_OWN_LEVEL = re.compile(r"\((?:本级|机关本级)\)$")
_BRACKETS = str.maketrans({"（": "(", "）": ")"})


def unit_key(name: str) -> str:
    """The name a unit's IRI is minted from."""
    return _OWN_LEVEL.sub("", _SPACE.sub("", name.translate(_BRACKETS)))
