"""What every reader hands to the parser, and how bad input is reported.

The readers themselves live in ``kg.readers`` (one module per input format);
these two types stay here because every later step (tables, extractors,
parse, ingest, the command line) speaks them, whatever the format was.
"""

from __future__ import annotations

from dataclasses import dataclass


class InputError(Exception):
    """Bad input: the message names the file (page, line) and says what was expected."""

    def __init__(self, path: str, line: int | None, message: str, page: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        self.page = page
        where = path
        if page:
            where += f" page {page}"
        if line:
            where += f":{line}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, int | None, str, int | None]]:
        # Errors cross process boundaries in parallel ingestion.
        return (InputError, (self.path, self.line, self.message, self.page))


@dataclass(frozen=True)
class SourceText:
    """A document as numbered lines; ``pages[n - 1]`` is the page of line n (None for text files)."""

    path: str
    encoding: str
    sha256: str
    lines: tuple[str, ...]  # lines[0] is line 1
    pages: tuple[int, ...] | None = None
    # Pages that hold images and no text (scans inside a PDF that otherwise has a
    # text layer): their content was not read, which the parse must say.
    image_pages: tuple[int, ...] = ()

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def page_of(self, number: int) -> int | None:
        return self.pages[number - 1] if self.pages is not None else None
