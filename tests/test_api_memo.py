"""Request-text caches keep short texts only (``api.memo``)."""

from __future__ import annotations

from dataclasses import dataclass

from api.memo import text_cache, text_size


@dataclass(frozen=True)
class Operation:
    query: str
    graphs: tuple[str, ...]


def test_text_size_counts_strings_bytes_tuples_and_dataclasses():
    assert text_size(("abc", b"de", None, 7)) == 5
    assert text_size(Operation("SELECT", ("g1", "g22"))) == 6 + 2 + 3


def test_short_texts_are_cached_and_long_ones_computed_each_time():
    calls: list[str] = []

    @text_cache(maxsize=8, max_chars=10)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert upper("short") == upper("short") == "SHORT"
    assert calls == ["short"]
    long = "x" * 11
    assert upper(long) == upper(long) == long.upper()
    assert calls == ["short", long, long]
    assert upper.cache_info().currsize == 1  # the long text was never kept


def test_the_endpoint_keeps_no_long_query():
    from api import lexer

    lexer.words.cache_clear()
    long_query = "ASK { " + "#" * 20_000 + "\n}"
    assert [w.text for w in lexer.words(long_query)] == ["ASK"]
    assert lexer.words.cache_info().currsize == 0
    lexer.words("ASK {}")
    assert lexer.words.cache_info().currsize == 1


def test_keyword_arguments_are_counted_and_cached_like_positional_ones():
    calls: list[str] = []

    @text_cache(maxsize=8, max_chars=10)
    def join(head: str, tail: str = "") -> str:
        calls.append(head + tail)
        return head + tail

    assert join("ab", tail="cd") == join("ab", tail="cd") == "abcd"
    assert calls == ["abcd"]
    long = "y" * 11
    assert join("a", tail=long) == join("a", tail=long)
    assert calls == ["abcd", "a" + long, "a" + long]  # a long keyword argument is not kept either
    assert join.cache_info().currsize == 1
