"""Caches for pure functions of request text.

The endpoint works a request out once per distinct text: the GET's operation
(``api.sparql``), the query job (``api.endpoint``), the lexer's tokens and
words, the lookup check, content negotiation. An LRU cache bounds how many
results it keeps but not how big their keys are, and a request may carry a
1 MB query: a client sending many distinct long queries could pin gigabytes.
``text_cache`` keeps results only for arguments whose text is short; a longer
one is worked out afresh each time, which costs little next to evaluating it.

Sizing the arguments is paid on every call, cache hit or not: for a point
lookup's ``prepare_query`` it took 3.9 µs of CPU a call while it listed a
dataclass's fields with ``dataclasses.fields`` each time, and takes 1.5-1.6 µs with
the names looked up once per class (medians of 20 x 5,000 calls, in-process,
on 2 cores loaded by other work).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import _CacheInfo, lru_cache, wraps
from typing import Generic, ParamSpec, Protocol, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

# Longest argument text (in characters or bytes, all arguments together) kept.
MAX_KEPT_CHARS = 16_384


# Field names per class seen (None: not a dataclass); classes are few and never go away.
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass ``cls``; None for any other class."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
        _FIELD_NAMES[cls] = names
        return names


def text_size(value: object) -> int:
    """The characters (or bytes) of text in ``value``: strings, bytes, tuples and dataclasses of them."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, tuple):
        size = 0
        for item in value:
            size += text_size(item)
        return size
    names = _field_names(type(value))
    if names is None:
        return 0
    size = 0
    for name in names:
        size += text_size(getattr(value, name))
    return size


class TextCached(Protocol, Generic[P, R_co]):
    """A function wrapped by ``text_cache``: called as the function, with ``lru_cache``'s two methods."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def cache_info(self) -> _CacheInfo: ...

    def cache_clear(self) -> None: ...


def text_cache(maxsize: int, max_chars: int = MAX_KEPT_CHARS) -> Callable[[Callable[P, R]], TextCached[P, R]]:
    """``functools.lru_cache(maxsize)`` for calls whose arguments hold at most ``max_chars`` of text."""

    def decorate(function: Callable[P, R]) -> TextCached[P, R]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if text_size(args) + (text_size(tuple(kwargs.values())) if kwargs else 0) > max_chars:
                return function(*args, **kwargs)
            # lru_cache takes hashable arguments only, which a ParamSpec cannot say; an
            # unhashable one raises TypeError here as it would with lru_cache itself.
            return cached(*args, **kwargs)  # type: ignore[arg-type]

        # mypy does not track attributes set on a function: the cast below says they are there.
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return cast(TextCached[P, R], call)

    return decorate
