"""Reader registry: a file -> ``SourceText``, by what the file is.

One module per input format. The format is told by the file's first bytes
(a PDF starts with ``%PDF-``, within its first KiB as PDF readers allow) and
checked against its extension: a ``.pdf`` that is really text, or a ``.txt``
that is really a PDF, is refused with one line saying what was found, since
either means the file is not what its sender thinks it is.
"""

from __future__ import annotations

from pathlib import Path

from kg.reading import InputError, SourceText
from kg.readers import pdf, text

PDF_SUFFIXES = (".pdf",)
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + PDF_SUFFIXES
_PDF_MAGIC = b"%PDF-"


def read_document(path: Path | str) -> SourceText:
    path = Path(path)
    head = _head(path)
    is_pdf = _PDF_MAGIC in head
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES and not is_pdf:
        raise InputError(str(path), None, f"expected a PDF (a .pdf starts with {_PDF_MAGIC.decode()}); found {_describe(head)}")
    if suffix in TEXT_SUFFIXES and is_pdf:
        raise InputError(str(path), None, f"expected a text document ({suffix}); found a PDF (rename it to .pdf)")
    return pdf.read_pdf(path) if is_pdf else text.read_source(path)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(1024)
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror}") from None


def _describe(head: bytes) -> str:
    if not head.strip():
        return "an empty file"
    # Control bytes other than TAB/CR/LF mark binary data; a text head may end
    # inside a multibyte character, so decoding it would not tell.
    controls = sum(byte < 9 or 13 < byte < 32 for byte in head)
    return "binary data" if controls > len(head) // 50 else "text"
