"""How much of a one-figure error the validator catches: seeded single-figure mutations of real documents.

The shapes are shown to work one mutation at a time in the tests (tests/mutation.py);
this counts them over many. For each document it draws figures with a seeded RNG
(every printed amount of a table row, ``bkg:BudgetFigure``, and every narrative
figure, ``bkg:NarrativeFigure``), changes one printed figure in the text (+1 in its
last printed digit, ×10, or two adjacent digits swapped), parses, maps and validates
the changed document in memory as tests/mutation.py does (the fast engine, no OWL RL
step), and compares its report with the unchanged document's:

- caught: a Violation the unchanged document does not have (by constraint, focus,
  lines and figures);
- at line: such a Violation whose lines include the changed line;
- warned: no new Violation, but a new Warning at the line (a change within the
  rounding tolerance of an identity, e.g. +1 in the last digit of a three-addend sum);
- refused: the changed document is not read (``InputError``).

``budgetkg bench --mutations N PATH…`` prints, per document, the counts and the
uncaught mutations (file:line, before -> after), so the gaps are visible.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from kg.mapping import map_document
from kg.parse import parse_source
from kg.readers import read_document
from kg.reading import InputError, SourceText
from kg.settings import Settings
from kg.solutions import Term
from kg.validation import Severity, ValidationReport, ValidationResult, validate_quads
from kg.vocabulary import BKG, RDF

KINDS = ("last-digit+1", "x10", "digit-swap")
_NUMBER = r"(?<![\d.,]){}(?![.,]?\d)"  # a whole number: not the "2" of "2.05"


@dataclass(frozen=True)
class PrintedFigure:
    """A figure as printed on one line of the document (表格数字 or 文字说明中的数字)."""

    line: int
    printed: str
    narrative: bool


@dataclass(frozen=True)
class Mutation:
    figure: PrintedFigure
    kind: str
    after: str


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    caught: bool
    at_line: bool
    warned: bool
    refused: bool


@dataclass(frozen=True)
class DocumentScore:
    path: Path
    outcomes: tuple[Outcome, ...]
    seconds: float

    def count(self, what: str) -> int:
        return sum(getattr(o, what) for o in self.outcomes)

    @property
    def rate(self) -> float:
        return self.count("at_line") / len(self.outcomes) if self.outcomes else 0.0


def _validate(text: SourceText, settings: Settings) -> ValidationReport:
    document = parse_source(text, "mutant")
    mapped = map_document(document, settings)
    return validate_quads(mapped.quads + mapped.reference_quads, document.document_id, settings)


def _lexical(term: Term) -> str:
    """An IRI's or a literal's text (a quoted triple has none here)."""
    return term.value if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)) else ""


def printed_figures(text: SourceText, settings: Settings) -> list[PrintedFigure]:
    """Every figure of a table row or of the prose whose printed amount is on its line as often as
    figures with that amount are read from the line.

    The graph gives a figure's line, not its place on the line: where the line prints the amount
    more often than it holds such figures (a "0" of "0人次", a "1.5" in a date), an occurrence may be
    no figure, and changing it would count a non-figure as missed, so the figure is not drawn."""
    mapped = map_document(parse_source(text, "mutant"), settings)
    facts: dict[str, dict[str, str]] = {}  # node → predicate IRI or its class → lexical value
    for q in mapped.quads:
        if q.predicate in (BKG.printedAmount, BKG.sourceLine) or (q.predicate == RDF.type and q.object in (BKG.BudgetFigure, BKG.NarrativeFigure)):
            entry = facts.setdefault(_lexical(q.subject), {})
            entry[q.predicate.value if q.predicate != RDF.type else _lexical(q.object)] = _lexical(q.object)
    read: Counter[tuple[int, str]] = Counter()
    out: set[PrintedFigure] = set()
    for entry in facts.values():
        printed, line = entry.get(BKG.printedAmount.value), entry.get(BKG.sourceLine.value)
        kind = BKG.NarrativeFigure.value in entry or BKG.BudgetFigure.value in entry
        if not (printed and line and kind and re.search(r"\d", printed)):
            continue
        read[(int(line), printed)] += 1
        out.add(PrintedFigure(int(line), printed, BKG.NarrativeFigure.value in entry))
    return sorted(
        (f for f in out if 0 < _occurrences(text, f) <= read[(f.line, f.printed)]),
        key=lambda f: (f.line, f.printed),
    )


def _occurrences(text: SourceText, figure: PrintedFigure) -> int:
    return len(re.findall(_NUMBER.format(re.escape(figure.printed)), text.line(figure.line)))


def _digits_only(printed: str) -> tuple[str, str, str] | None:
    """(sign and prefix, the number without separators, suffix) of a printed amount."""
    m = re.search(r"-?[\d,]*\d(?:\.\d+)?", printed)
    if not m:
        return None
    return printed[: m.start()], m.group().replace(",", ""), printed[m.end() :]


def _format(value: Decimal, decimals: int, grouped: bool) -> str:
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    return text


def mutate(printed: str, kind: str, rng: random.Random) -> str | None:
    """The printed figure changed by ``kind``; None when that change leaves it as it was."""
    parts = _digits_only(printed)
    if parts is None:
        return None
    head, number, tail = parts
    decimals = len(number.split(".")[1]) if "." in number else 0
    grouped = "," in printed
    value = Decimal(number)
    if kind == "last-digit+1":
        new = _format(value + Decimal(1).scaleb(-decimals), decimals, grouped)
    elif kind == "x10":
        new = _format(value * 10, decimals, grouped)
    else:
        digits = [i for i, ch in enumerate(number) if ch.isdigit()]
        pairs = [(a, b) for a, b in zip(digits, digits[1:]) if b == a + 1 and number[a] != number[b]]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        swapped = number[:a] + number[b] + number[a] + number[b + 1 :]
        new = _format(Decimal(swapped), decimals, grouped)
    after = head + new + tail
    return after if after != printed else None


def _changed(text: SourceText, figure: PrintedFigure, after: str, rng: random.Random) -> SourceText:
    """The text with one occurrence (drawn by ``rng``) of the printed figure on its line replaced."""
    line = text.line(figure.line)
    spans = [m.span() for m in re.finditer(_NUMBER.format(re.escape(figure.printed)), line)]
    start, end = rng.choice(spans)
    lines = list(text.lines)
    lines[figure.line - 1] = line[:start] + after + line[end:]
    return replace(text, lines=tuple(lines))


ResultKey = tuple[str, str, tuple[int, ...], str | None]  # constraint, focus, lines, figures


def _key(r: ValidationResult) -> ResultKey:
    return (r.constraint, r.focus, tuple(r.lines), r.figures)


def _outcome(mutation: Mutation, text: SourceText, baseline: ValidationReport, settings: Settings) -> Outcome:
    try:
        report = _validate(text, settings)
    except InputError:
        return Outcome(mutation, caught=False, at_line=False, warned=False, refused=True)
    known = {_key(r) for r in baseline.results}
    new = [r for r in report.results if _key(r) not in known]
    violations = [r for r in new if r.severity is Severity.VIOLATION]
    line = mutation.figure.line
    return Outcome(
        mutation,
        caught=bool(violations),
        at_line=any(line in r.lines for r in violations),
        warned=not violations and any(line in r.lines for r in new if r.severity is Severity.WARNING),
        refused=False,
    )


def mutations(text: SourceText, figures: list[PrintedFigure], n: int, rng: random.Random) -> Iterator[tuple[Mutation, SourceText]]:
    """``n`` mutations: the figures in a seeded order (again from the start past the last), each with
    a kind drawn in turn; a kind that leaves the figure as it was gives way to the next."""
    if not figures:
        return
    order: list[PrintedFigure] = []
    made = 0
    while made < n:
        if not order:
            order = rng.sample(figures, len(figures))
        figure = order.pop()
        for kind in rng.sample(KINDS, len(KINDS)):
            after = mutate(figure.printed, kind, rng)
            if after is not None:
                yield Mutation(figure, kind, after), _changed(text, figure, after, rng)
                made += 1
                break


def score_document(path: Path, n: int, seed: int, settings: Settings) -> DocumentScore:
    started = time.perf_counter()
    text = read_document(path)
    baseline = _validate(text, settings)
    rng = random.Random(f"{seed}:{path.name}")
    outcomes = tuple(_outcome(m, changed, baseline, settings) for m, changed in mutations(text, printed_figures(text, settings), n, rng))
    return DocumentScore(path, outcomes, time.perf_counter() - started)


def report_lines(score: DocumentScore, shown: int | None = 20) -> list[str]:
    """The document's counts and its first ``shown`` misses (None: every miss)."""
    total = len(score.outcomes)
    lines = [
        f"{score.path.name}: {total} mutations, {score.count('caught')} caught, {score.count('at_line')} caught at the line "
        f"({score.rate:.1%}), {score.count('warned')} only warned at the line, {score.count('refused')} refused; "
        f"{score.seconds:.0f} s"
    ]
    by_kind = {kind: [o for o in score.outcomes if o.mutation.kind == kind] for kind in KINDS}
    lines.append("  by kind: " + ", ".join(f"{kind} {sum(o.at_line for o in os)}/{len(os)}" for kind, os in by_kind.items()))
    narrative = [o for o in score.outcomes if o.mutation.figure.narrative]
    tables = [o for o in score.outcomes if not o.mutation.figure.narrative]
    lines.append(f"  tables {sum(o.at_line for o in tables)}/{len(tables)}, narrative {sum(o.at_line for o in narrative)}/{len(narrative)}")
    missed = [o for o in score.outcomes if not o.at_line and not o.refused]
    for o in missed[:shown] if shown is not None else missed:
        m = o.mutation
        what = "caught elsewhere" if o.caught else "warned" if o.warned else "not caught"
        lines.append(f"  {score.path.name}:{m.figure.line}: {m.figure.printed} -> {m.after} ({m.kind}, {'narrative' if m.figure.narrative else 'table'}; {what})")
    if shown is not None and len(missed) > shown:
        lines.append(f"  … and {len(missed) - shown} more not caught at their line")
    return lines


def run_mutation_benchmark(paths: list[Path], n: int, seed: int, settings: Settings, shown: int | None = 20) -> list[DocumentScore]:
    scores: list[DocumentScore] = []
    for path in paths:
        score = score_document(path, n, seed, settings)
        scores.append(score)
        print("\n".join(report_lines(score, shown)), flush=True)
    total = sum(len(s.outcomes) for s in scores)
    at_line = sum(s.count("at_line") for s in scores)
    if total:
        print(f"all: {total} mutations, {at_line} caught at the line ({at_line / total:.1%})")
    return scores
