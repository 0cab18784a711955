"""Cell text of a performance table, shared by its preamble and its grid readers.

Templates wrap words in HTML paragraph tags and warnings quote a row; both readers
(``kg.extract.performance_preamble``, ``kg.extract.performance_grid``) read cells the same way.
"""

from __future__ import annotations

import re

_HTML = re.compile(r"(?:\s*</?p\b[^>]*>\s*)+")


def clean_cell(text: str) -> str:
    """Cell text as printed, less HTML paragraph tags (the words stay)."""
    return _HTML.sub(" ", text).strip() if "<" in text else text.strip()


def preview(cells: tuple[str, ...]) -> str:
    text = " | ".join(c for c in cells if c)
    return text if len(text) <= 60 else text[:57] + "…"
