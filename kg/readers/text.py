"""Text reader: bytes of a text file -> normalised ``SourceText`` lines.

Disclosures arrive as UTF-8, GB18030 or UTF-16 with a byte-order mark
(detected, never assumed), with any line endings: CRLF from Windows tools,
bare CR from old Mac exports, and mixtures of all three where documents were
pasted together. Splitting on LF alone read a CR-only file as one line, so
every ending counts. Normalisation maps full-width ASCII forms to half-width
but keeps Chinese punctuation such as 、and “” that the extractors read as
structure; the PDF reader applies the same normalisation.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kg.reading import InputError, SourceText

# Full-width ASCII (U+FF01..U+FF5E) -> half-width, and the ideographic space.
# Chinese brackets （） and colon ： are folded too: documents mix both forms.
_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = 0x20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200d]")
# Not str.splitlines: it also breaks at form feeds, \x1c-\x1e and U+2028, which
# extracted text carries inside lines.
_LINE_END = re.compile(r"\r\n|\r|\n")
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def normalise(text: str) -> str:
    return _CONTROL.sub("", text.translate(_FULL_TO_HALF))


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding): UTF-16 by its BOM, else UTF-8 (self-validating), else GB18030."""
    for bom, encoding in _UTF16_BOMS.items():
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as error:
                line = data[: error.start].decode(encoding, errors="replace").count("\n") + 1
                raise InputError(path, line, f"expected {encoding.upper()} text after its byte-order mark; found bytes that are not") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise InputError(path, line, "expected text in UTF-8, GB18030 or UTF-16 (with BOM); found bytes that are none of them") from None


def read_source(path: Path | str) -> SourceText:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror}") from None
    return source_from_bytes(data, str(path))


def source_from_bytes(data: bytes, path: str) -> SourceText:
    if b"\x00" in data[:4096] and not data.startswith(tuple(_UTF16_BOMS)):
        raise InputError(path, None, "expected a text document; found binary data")
    text, encoding = decode(data, path)
    lines = tuple(normalise(line) for line in _LINE_END.split(text))
    if not any(line.strip() for line in lines):
        raise InputError(path, None, "expected a budget document; the file is empty")
    return SourceText(path, encoding, hashlib.sha256(data).hexdigest(), lines)
