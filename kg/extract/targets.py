"""Targets and thresholds: ``≥95%``, ``60%以下``, ``3-5条`` -> ``Target``.

Performance tables write one value per cell in a dozen ways (domain.md §5):
symbols (``≥``, ``>=``, LaTeX ``$\\geq$``), words before the number (``低于``,
``大于``) or after it (``以下``, ``以上``), ranges (``3-5条``, ``10%-15%``) and
compound units (``元/人/月``). The raw text is always kept; comparator, bounds
and unit are added only when the whole cell reads as one value, so a sentence
that merely contains a number (``能够抵挡住5年一遇的洪水``) stays qualitative.

``indicator_direction`` says whether more is better, from the order of the
优…差 thresholds when they are numeric, else from the indicator's wording,
else from the comparator of its target.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.records import Target

HIGHER = "higher-is-better"
LOWER = "lower-is-better"

# LaTeX as typed into PDFs: $\geq 95\%$, $\leq$ …
_LATEX = (
    (re.compile(r"\\(?:geq|geqslant|ge)(?![a-z])"), "≥"),
    (re.compile(r"\\(?:leq|leqslant|le)(?![a-z])"), "≤"),
    (re.compile(r"\\(?:gt)(?![a-z])"), ">"),
    (re.compile(r"\\(?:lt)(?![a-z])"), "<"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\[,;!: ]|\$|\\text\{|\\mathrm\{|[{}]"), ""),
)

# Words and symbols before the number, longest first so 大于等于 wins over 大于.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("大于等于", ">="),
    ("大于或等于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("≥", ">="),
    (">=", ">="),
    ("≧", ">="),
    ("=>", ">="),
    ("小于等于", "<="),
    ("小于或等于", "<="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("最多", "<="),
    ("≤", "<="),
    ("<=", "<="),
    ("≦", "<="),
    ("=<", "<="),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    (">", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("<", "<"),
    ("等于", "="),
    ("==", "="),
    ("=", "="),
)
# Words after the number: 60%以下 is "at most 60%".
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
)

_NUMBER = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_UNIT = r"[%‰a-zA-Z\u4e00-\u9fff/／·²³㎡()（）]*?"
_VALUE = re.compile(rf"^(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})$")
_RANGE = re.compile(rf"^(?P<lo>{_NUMBER})\s*(?P<lounit>{_UNIT})\s*(?:-|~|～|—|–|－|至|到)\s*(?P<hi>{_NUMBER})\s*(?P<unit>{_UNIT})$")
_PERCENT_WORDS = {"百分比": "%", "％": "%", "个百分点": "个百分点"}

# Wording that says less is better: rates of harm, incidents, complaints, costs.
_LOWER_WORDS = re.compile(
    r"返贫率|受灾率|变动率|投诉|事故|发生率|发案率|差错率|错误率|失误率|成本|犯罪率|死亡率|"
    r"违规|违纪|违法|超支|闲置率|流失率|辍学率|失业率|空置率|上访|发生次数|灾害损失|不合格"
)
# Wording that says more is better (checked after the lower-is-better words).
_HIGHER_WORDS = re.compile(
    r"覆盖率|满意度|满意率|及时率|及时性|完成率|达标率|合格率|知晓率|到位率|办结率|使用率|执行率|"
    r"完好率|准确率|普及率|发放率|落实率|参与率|破案率|就业率|巡查率|排查率|解矫率|上报率|"
    r"受益|完整率|完善率|覆盖度|入学率|治愈率|救治率|处置率|结案率|支付率|实现率|配置率|开展率|"
    r"受理率|利用率|出勤率|考核达标|通过率|提升|提高"
)


def _normalise(text: str) -> str:
    cleaned = text.strip()
    for pattern, replacement in _LATEX:
        cleaned = pattern.sub(replacement, cleaned)
    return cleaned.strip()


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def _unit(text: str) -> str | None:
    unit = text.strip()
    unit = _PERCENT_WORDS.get(unit, unit)
    return unit or None


def parse_target(text: str) -> Target:
    """Read comparator, bounds and unit from a target or threshold cell.

    A bare number is an exact target ("="); a value that is not one number
    (``合规``, ``有效提升``, two numbers) keeps only its text.
    """
    raw = text.strip()
    body = _normalise(raw)
    comparator: str | None = None
    for word, symbol in _PREFIXES:
        if body.startswith(word):
            comparator, body = symbol, body[len(word) :].strip()
            break
    for word, symbol in _SUFFIXES:
        if body.endswith(word):
            if comparator is not None and comparator != symbol:
                return Target(raw)  # 大于…以下: contradictory, keep the words only
            comparator, body = symbol, body[: -len(word)].strip()
            break
    if comparator is None:
        ranged = _RANGE.match(body)
        if ranged:
            lo, hi = _decimal(ranged["lo"]), _decimal(ranged["hi"])
            lounit, unit = _unit(ranged["lounit"]), _unit(ranged["unit"])
            if lo is not None and hi is not None and (lounit is None or lounit == unit):
                return Target(raw, "range", min(lo, hi), max(lo, hi), unit)
    single = _VALUE.match(body)
    if not single:
        return Target(raw)
    value = _decimal(single["num"])
    if value is None:
        return Target(raw)
    unit = _unit(single["unit"])
    comparator = comparator or "="
    if comparator in (">=", ">"):
        return Target(raw, comparator, value, None, unit)
    if comparator in ("<=", "<"):
        return Target(raw, comparator, None, value, unit)
    return Target(raw, "=", value, value, unit)


def _point(target: Target) -> Decimal | None:
    """One number standing for a threshold, to compare 优 with 差."""
    if target.comparator == "range" and target.lower is not None and target.upper is not None:
        return (target.lower + target.upper) / 2
    return target.lower if target.lower is not None else target.upper


def _direction_from_grades(targets: list[Target]) -> str | None:
    numeric = [t for t in targets if _point(t) is not None]
    if len(numeric) < 2:
        return None
    best, worst = numeric[0], numeric[-1]
    best_value, worst_value = _point(best), _point(worst)
    assert best_value is not None and worst_value is not None
    if best_value > worst_value:
        return HIGHER
    if best_value < worst_value:
        return LOWER
    # 60% vs 60%以下: the worst grade's comparator tells which side is bad.
    if worst.comparator in ("<=", "<") or best.comparator in (">=", ">"):
        return HIGHER
    if worst.comparator in (">=", ">") or best.comparator in ("<=", "<"):
        return LOWER
    return None


def indicator_direction(name: str, targets: list[Target]) -> str | None:
    """ "higher-is-better", "lower-is-better" or None when nothing says.

    ``targets`` are the 优, 良, 中, 差 thresholds in that order for a graded
    indicator, or the single target of a project indicator. Numeric grades
    decide first (会议费支出下降率 5%/3%/2%/低于2% is higher-is-better whatever
    its wording); then the wording; then a lone target's comparator.
    """
    if len(targets) >= 2:
        graded = _direction_from_grades(targets)
        if graded is not None:
            return graded
    compact = re.sub(r"\s+", "", name)
    if _LOWER_WORDS.search(compact):
        return LOWER
    if _HIGHER_WORDS.search(compact):
        return HIGHER
    if len(targets) == 1:
        comparator = targets[0].comparator
        if comparator in (">=", ">"):
            return HIGHER
        if comparator in ("<=", "<"):
            return LOWER
    return None
