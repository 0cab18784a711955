"""Labels in the reader's language: ``Accept-Language`` decides, Chinese first, English fallback."""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

DEFAULT_LANGUAGES: tuple[str, ...] = ("zh", "en")


def languages(header: str | None) -> tuple[str, ...]:
    """Primary language tags in the order the reader prefers, then zh, en."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        if not tag or tag == "*":
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, index, tag.lower().split("-")[0]))
    ordered: list[str] = []
    for _, _, tag in sorted(ranked):
        if tag not in ordered:
            ordered.append(tag)
    for tag in DEFAULT_LANGUAGES:
        if tag not in ordered:
            ordered.append(tag)
    return tuple(ordered)


def ui_language(langs: tuple[str, ...]) -> str:
    """The language of the page's own words: the first of zh/en the reader ranks."""
    return next((tag for tag in langs if tag in DEFAULT_LANGUAGES), "zh")


def pick(literals: Iterable[ox.Literal | str], langs: tuple[str, ...]) -> str | None:
    """The literal whose language comes first in ``langs``; untagged ones after those."""
    best: tuple[int, str] | None = None
    for literal in literals:
        if isinstance(literal, str):
            value, lang = literal, ""
        else:
            value, lang = literal.value, (literal.language or "").split("-")[0].lower()
        rank = langs.index(lang) if lang in langs else len(langs) + (0 if not lang else 1)
        if best is None or rank < best[0]:
            best = (rank, value)
    return best[1] if best else None
