"""The bytes a pyoxigraph serialiser returns when it is given no output.

pyoxigraph's ``serialize`` functions and methods return the written bytes when
called without an output and None when they write into one; their stubs say
``bytes | None`` for both (no overloads). Every caller that asks for the bytes
passes its result through ``written``, which gives mypy the ``bytes`` and fails
loudly instead of handing a None on to an HTTP body or a file.
"""

from __future__ import annotations


def written(output: bytes | None) -> bytes:
    """``output`` of a ``serialize`` call made without an output argument."""
    if output is None:
        raise RuntimeError("pyoxigraph's serialize returned no bytes although it was given no output")
    return output
