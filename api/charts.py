"""Charts drawn on the server as inline SVG (no script, nothing fetched).

This module only lays bars out (frozen rows with their coordinates); the SVG markup is in
``api/templates/charts/``, where autoescape covers every label a document printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from api.templating import render

_ROW, _LABEL_W, _VALUE_W = 22, 300, 110
_PAIR_ROW, _PAIR_LABEL_W, _PAIR_VALUE_W, _LEGEND_H = 34, 230, 64, 22


@dataclass(frozen=True)
class Bar:
    label: str
    yuan: Decimal
    level: int = 0  # 0 = 类, 1 = 款
    href: str | None = None


@dataclass(frozen=True)
class PairedBar:
    """Budget against actual for one code: two bars on one scale."""

    label: str
    budget: Decimal | None  # 预算 (年初, or 调整 where no 年初 is printed)
    actual: Decimal | None  # 决算
    rate: Decimal | None  # 完成率, percent
    level: int = 0  # 0 = 类, 1 = 款, 2 = 项
    href: str | None = None


@dataclass(frozen=True)
class _Row:
    y: int
    indent: int
    label: str
    full_label: str
    href: str | None
    level: int
    lengths: tuple[float, ...]
    values: tuple[Decimal | None, ...]
    rate: Decimal | None


def _short(label: str, most: int = 20) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _length(yuan: Decimal | None, peak: Decimal, plot_w: int) -> float:
    if yuan is None or yuan <= 0:
        return 0.0
    return max(1.0, float(yuan / peak) * plot_w)


def bar_chart(bars: list[Bar], *, title: str, width: int = 760) -> str:
    """Horizontal bars, one per row; 款 bars indented under their 类. Values in 万元."""
    if not bars:
        return ""
    plot_w = width - _LABEL_W - _VALUE_W
    peak = max(b.yuan for b in bars) or Decimal(1)
    rows = [_Row(4 + i * _ROW, 14 * b.level, _short(b.label), b.label, b.href, b.level, (_length(b.yuan, peak, plot_w),), (b.yuan,), None) for i, b in enumerate(bars)]
    return render("charts/bars.svg", title=title, width=width, height=_ROW * len(bars) + 8, rows=rows, label_w=_LABEL_W, row_h=_ROW)


def paired_chart(bars: list[PairedBar], *, title: str, legend: tuple[str, str], width: int = 560) -> str:
    """Budget (light) and actual (dark) per code, on one scale, with the completion rate; the
    amounts (万元) are in each pair's tooltip and the table beside the chart. Narrower than
    ``bar_chart`` so that the table fits beside it."""
    if not bars:
        return ""
    plot_w = width - _PAIR_LABEL_W - _PAIR_VALUE_W
    peak = max(max(b.budget or Decimal(0), b.actual or Decimal(0)) for b in bars) or Decimal(1)
    rows = [
        _Row(
            _LEGEND_H + i * _PAIR_ROW,
            12 * min(b.level, 2),
            _short(b.label, 17),
            b.label,
            b.href,
            b.level,
            (_length(b.budget, peak, plot_w), _length(b.actual, peak, plot_w)),
            (b.budget, b.actual),
            b.rate,
        )
        for i, b in enumerate(bars)
    ]
    return render("charts/paired.svg", title=title, legend=legend, width=width, height=_LEGEND_H + _PAIR_ROW * len(bars) + 6, rows=rows, label_w=_PAIR_LABEL_W, row_h=_PAIR_ROW)
