"""The document's text as printed, for the presentation checks (shapes/presentation.ttl).

Placeholders left in (XX局, XXX万元), doubled punctuation, headings and dates of
another year, comparisons against the wrong year, sentences cut off after
主要原因是 and 部门/单位 wording are judged by SHACL shapes, not here: this module
only records what is printed, so that any SHACL engine can judge it and a new check
is one shape. Two records:

- every non-blank line (``TextLine``), with whether it is prose and a heading:
  placeholders are printed in table titles and notes too (the national 决算
  template, lines 212 and 220, "说明:上海市 XX 局本年度没有…");
- the prose sentences (``ProseSentence``), joined across line breaks: a PDF cuts
  "主要原因是" from its reason at the line end (财政局 决算 lines 395-396), so a
  cut-off sentence can only be told from the joined text.

Cost: seed 001 (1,401 lines) gets ~1,200 line records and ~300 sentences; the
presentation shapes take a few ms of its validation (measured with ``budgetkg bench``).
"""

from __future__ import annotations

import re

from kg.extract.narrative import is_heading, prose_paragraphs
from kg.reading import SourceText
from kg.records import ProseSentence, TextLine

_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Keeps a run of closing punctuation with its sentence, so "。。" stays printed as it is.
_SENTENCE = re.compile(r"[^。;!?；！？]+[。;!?；！？]*")


def text_lines(source: SourceText, table_lines: set[int]) -> list[TextLine]:
    """Every non-blank line without HTML tags. Redaction marks stay: seed 002 line 648 prints
    ";**;", a redaction between two clauses, which dropping the ** would turn into ";;"."""
    out = []
    for number, raw in enumerate(source.lines, start=1):
        text = _HTML_TAG.sub("", raw).strip()
        if text:
            prose = number not in table_lines
            out.append(TextLine(number, text, prose, prose and is_heading(text)))
    return out


def prose_sentences(source: SourceText, table_lines: set[int]) -> list[ProseSentence]:
    """The sentences of the prose paragraphs, each with the lines it spans."""
    out = []
    for paragraph in prose_paragraphs(source, table_lines):
        for match in _SENTENCE.finditer(paragraph.text):
            text = match.group().strip()
            if text:
                out.append(ProseSentence(text, paragraph.lines(match.start(), match.end())))
    return out
