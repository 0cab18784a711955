"""Charts drawn on the server as inline SVG (no script, nothing fetched)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    yuan: Decimal
    level: int = 0  # 0 = 类, 1 = 款
    href: str | None = None


def bar_chart(bars: list[Bar], *, title: str, width: int = 760) -> str:
    """Horizontal bars, one per row; 款 bars indented under their 类. Values in 万元."""
    if not bars:
        return ""
    row_h, label_w, value_w = 22, 300, 110
    plot_w = width - label_w - value_w
    peak = max((b.yuan for b in bars), default=Decimal(0)) or Decimal(1)
    height = row_h * len(bars) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * row_h
        indent = 14 * bar.level
        length = max(1.0, float(bar.yuan / peak) * plot_w) if bar.yuan > 0 else 0.0
        colour = "#2f6f9f" if bar.level == 0 else "#8db5d6"
        label = bar.label if len(bar.label) <= 20 else bar.label[:19] + "…"
        wan = f"{bar.yuan / 10000:,.2f}"
        weight = ' font-weight="600"' if bar.level == 0 else ""
        size = 13 if bar.level == 0 else 12
        text = f'<text x="{4 + indent}" y="{y + 15}" font-size="{size}"{weight}>{escape(label)}</text>'
        if bar.href:
            text = f'<a href="{escape(bar.href)}">{text}</a>'
        parts.append(
            f"<g><title>{escape(bar.label)}: {wan} 万元 ({bar.yuan:,.2f} 元)</title>{text}"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 7}" fill="{colour}"/>'
            f'<text x="{width - 4}" y="{y + 15}" font-size="12" text-anchor="end">{wan}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
