"""The mutation bench draws only figures it can find on their line, and changes a whole printed number."""

from __future__ import annotations

import random
import re

from conftest import seed
import mutation
from kg.mutation_bench import PrintedFigure, _changed, mutations, printed_figures
from kg.settings import Settings


def test_a_figure_printed_inside_another_number_is_not_drawn_from_it():
    text = mutation.source(seed("000"))
    figures = printed_figures(text, Settings())
    # 000:55 lists 差旅费 2 万元 and 维修费 2 万元 beside 离退休干部经费 2.05 万元: two figures, two whole "2"s.
    two = PrintedFigure(55, "2", True)
    assert two in figures
    for _ in range(20):
        changed = _changed(text, two, "3", random.Random(_))
        assert "2.05" in changed.line(55) and changed.line(55).count("3 万元") == text.line(55).count("3 万元") + 1


def test_a_figure_the_line_prints_more_often_than_it_holds_figures_is_not_drawn():
    text = mutation.source(seed("000"))
    # 000:59 prints 0 six times: "购置支出0万元，同比下降或增长0%" twice, "团0人次" twice; fewer are figures.
    line = text.line(59)
    assert len(re.findall(r"(?<![\d.,])0(?![.,]?\d)", line)) == 6
    assert PrintedFigure(59, "0", True) not in printed_figures(text, Settings())


def test_mutations_change_the_figure_and_nothing_else():
    text = mutation.source(seed("000"))
    figures = printed_figures(text, Settings())
    for m, changed in mutations(text, figures, 30, random.Random(0)):
        before, after = text.line(m.figure.line), changed.line(m.figure.line)
        assert before != after and [n for n, (a, b) in enumerate(zip(text.lines, changed.lines)) if a != b] == [m.figure.line - 1]
        assert after.replace(m.after, m.figure.printed, 1) == before or m.figure.printed in before
