"""Caches for pure functions of request text.

The endpoint works a request out once per distinct text: the GET's operation
(``api.sparql``), the query job (``api.endpoint``), the lexer's tokens and
words, the lookup check, content negotiation. An LRU cache bounds how many
results it keeps but not how big their keys are, and a request may carry a
1 MB query: a client sending many distinct long queries could pin gigabytes.
``text_cache`` keeps results only for arguments whose text is short; a longer
one is worked out afresh each time, which costs little next to evaluating it.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache, wraps

# Longest argument text (in characters or bytes, all arguments together) kept.
MAX_KEPT_CHARS = 16_384


def text_size(value: object) -> int:
    """The characters (or bytes) of text in ``value``: strings, bytes, tuples and dataclasses of them."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, tuple):
        return sum(text_size(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(text_size(getattr(value, f.name)) for f in dataclasses.fields(value))
    return 0


def text_cache(maxsize: int, max_chars: int = MAX_KEPT_CHARS):
    """``functools.lru_cache(maxsize)`` for calls whose arguments hold at most ``max_chars`` of text."""

    def decorate(function):
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args):
            if text_size(args) > max_chars:
                return function(*args)
            return cached(*args)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return decorate
