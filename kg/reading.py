"""Reading: bytes on disk -> normalised text lines with their numbers.

Disclosures arrive as UTF-8 or GB18030 (detected, never assumed), with
full-width digits and punctuation mixed in. Normalisation maps full-width ASCII
forms to half-width but keeps Chinese punctuation such as 、and “” that the
extractors read as structure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


class InputError(Exception):
    """Bad input: the message names the file and line and says what was expected."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # Errors cross process boundaries in parallel ingestion.
        return (InputError, (self.path, self.line, self.message))


@dataclass(frozen=True)
class SourceText:
    path: str
    encoding: str
    sha256: str
    lines: tuple[str, ...]  # lines[0] is line 1

    def line(self, number: int) -> str:
        return self.lines[number - 1]


# Full-width ASCII (U+FF01..U+FF5E) -> half-width, and the ideographic space.
# Chinese brackets （） and colon ： are folded too: documents mix both forms.
_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = 0x20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200d]")


def normalise(text: str) -> str:
    return _CONTROL.sub("", text.translate(_FULL_TO_HALF))


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 first (it is self-validating), then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise InputError(
                path, line, "expected text in UTF-8 or GB18030; found bytes that are neither"
            ) from None


def read_source(path: Path | str) -> SourceText:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror}") from None
    return source_from_bytes(data, str(path))


def source_from_bytes(data: bytes, path: str) -> SourceText:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, None, "expected a text document; found binary data")
    text, encoding = decode(data, path)
    lines = tuple(normalise(line).rstrip("\r") for line in text.split("\n"))
    if not any(line.strip() for line in lines):
        raise InputError(path, None, "expected a budget document; the file is empty")
    return SourceText(path, encoding, hashlib.sha256(data).hexdigest(), lines)
