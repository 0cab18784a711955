"""The two classifications a budget is written in, and how to read their codes.

Functional (支出功能分类科目): 类 3 digits, 款 5, 项 7 (208 › 20805 › 2080505).
Economic (部门预算支出经济分类科目): 类 3 digits, 款 5 (301 › 30101).
The code is the identity; names vary between years and typists. The 类 names
are shipped here because summary tables print a 类 only by name, as a Chinese
ordinal item (``八、社会保障和就业支出``).
"""

from __future__ import annotations

import re

from kg.records import ClassificationCode, CodeScheme

# 支出功能分类 类 (2024 edition).
FUNCTIONAL_CATEGORIES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}

# 部门预算支出经济分类 类.
ECONOMIC_CATEGORIES: dict[str, str] = {
    "301": "工资福利支出",
    "302": "商品和服务支出",
    "303": "对个人和家庭的补助",
    "307": "债务利息及费用支出",
    "309": "资本性支出(基本建设)",
    "310": "资本性支出",
    "311": "对企业补助(基本建设)",
    "312": "对企业补助",
    "313": "对社会保障基金补助",
    "399": "其他支出",
}

_CODE_LENGTHS = {CodeScheme.functional: (3, 5, 7), CodeScheme.economic: (3, 5)}
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff()（）])\s+(?=[\u4e00-\u9fff()（）])")
_ORDINAL = re.compile(r"^[一二三四五六七八九十百零]+\s*[、.．]\s*")
_LEADING_CODE = re.compile(r"^(\d[\d ]{2,8}\d|\d{3})\s*(?=[\u4e00-\u9fff])")


def clean_name(text: str) -> str:
    """Undo wrapping: ``一般公共预 算财政拨款`` -> ``一般公共预算财政拨款``; drop markdown bold."""
    return _CJK_GAP.sub("", text.replace("**", "").strip())


def strip_ordinal(name: str) -> tuple[str, bool]:
    stripped = _ORDINAL.sub("", name)
    return stripped, stripped != name


def parent_notation(notation: str) -> str | None:
    """2080505 -> 20805 -> 208 -> None."""
    return notation[:-2] if len(notation) in (5, 7) else None


def scheme_for(notation: str, default: CodeScheme) -> CodeScheme | None:
    """Which classification a code belongs to, or None when its shape fits neither."""
    if not notation.isdigit():
        return None
    if notation[0] == "3" and len(notation) in _CODE_LENGTHS[CodeScheme.economic]:
        return CodeScheme.economic
    if notation[0] == "2" and len(notation) in _CODE_LENGTHS[CodeScheme.functional]:
        return CodeScheme.functional
    if len(notation) in _CODE_LENGTHS[default]:
        return default
    return None


def join_code_parts(parts: list[str]) -> str:
    """Split 类/款/项 columns (``208 | 05 | 05``) and OCR spaces (``2080 505``) -> ``2080505``."""
    return "".join(part.replace(" ", "") for part in parts if part.strip())


def split_leading_code(cell: str) -> tuple[str | None, str]:
    """``201 一般公共服务支出`` -> (``201``, ``一般公共服务支出``)."""
    match = _LEADING_CODE.match(cell.strip())
    if not match or len(match.group(1).replace(" ", "")) not in (3, 5, 7):
        return None, cell
    return match.group(1).replace(" ", ""), cell.strip()[match.end() :]


def category_by_name(name: str) -> str | None:
    """The functional 类 a summary row names (``社会保障和就业支出`` -> 208)."""
    wanted = clean_name(name)
    for notation, known in FUNCTIONAL_CATEGORIES.items():
        if wanted == known:
            return notation
    # Names get cut off at a cell's edge: accept an unambiguous prefix.
    if len(wanted) >= 4:
        matches = [n for n, known in FUNCTIONAL_CATEGORIES.items() if known.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
    return None


def make_code(notation: str, name: str | None, default: CodeScheme) -> ClassificationCode | None:
    scheme = scheme_for(notation, default)
    if scheme is None:
        return None
    return ClassificationCode(scheme=scheme, notation=notation, name=name or None)
