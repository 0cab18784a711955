"""Execution statements of a 决算's explanation: what was budgeted and what was spent, by code or in total.

The explanation of a 部门决算 restates the general-budget table code by code
("1、一般公共服务支出(类)财政事务(款)行政运行(项)。…年初预算为 1560.05 万元,支出
决算为1511.89万元。决算数小于预算数的主要原因:…") and the totals the same way
("一般公共预算财政拨款支出年初预算为2993.92万元,支出决算为2940.05万元,完成年初预算
的98.20%", "“三公”经费财政拨款支出年初预算为0.95万元,…其中:因公出国(境)费决算为
0.00万元,完成预算的0%"). In the Shanghai 决算 these sentences are the only place the
per-code budget is printed: the tables give 决算 only. Each stated amount becomes a
``NarrativeFigure`` with its stage (年初预算 / 全年预算 = 调整预算 / 决算), the code its
(类)(款)(项) path names where the document's own tables give that path a code, the
stated 完成率 and the stated comparison (决算数大于/小于/等于预算数), all as printed:
a 完成率 that does not follow from the amounts, or a path whose names no table prints,
is kept for the validator, never corrected (社会工作部 prints 年初预算为 0 万元 and
完成年初预算的 95.89%; 规划和自然资源局 names 其他国土资源事务支出(项) where its tables
print 其他自然资源事务支出).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.classification import category_by_name, clean_name
from kg.extract.class_shares import section_class_shares, section_kind
from kg.extract.narrative import Paragraph, is_heading, prose_paragraphs
from kg.extract.numbers import parse_decimal
from kg.families import Stage
from kg.reading import SourceText
from kg.records import (
    Amount,
    BudgetLine,
    ClassificationCode,
    CodeScheme,
    MoneyUnit,
    NarrativeFigure,
    ParseWarning,
)

_NUMBER = r"\d[\d,]*(?:\s?\.\s?\d+)?"
STAGE_AMOUNT = re.compile(rf"(?P<stage>年初预算|全年预算|调整(?:后)?预算|决算)(?:数)?\s*(?:为|是)?\s*(?P<num>{_NUMBER})\s*万元")
_COMPLETION = re.compile(rf"完成(?:年初|全年|调整)?预算(?:数)?的\s*(?P<num>{_NUMBER})\s*%")
_COMPARISON = re.compile(r"决算数?\s*(?:与|同|和)?\s*(?P<verb>大于|小于|等于|超过|低于)?\s*(?:年初|全年|调整)?预算数?\s*(?P<flat>基本持平|持平)?")
_VERBS = {"大于": "greater", "超过": "greater", "小于": "less", "低于": "less", "等于": "equal"}
_STAGES = (
    ("年初预算", Stage.initial_budget),
    ("全年预算", Stage.adjusted_budget),
    ("调整", Stage.adjusted_budget),
    ("决算", Stage.final_accounts),
)
_CJK = "\u4e00-\u9fff"
# 一般公共服务支出(类)财政事务(款)行政运行(项)
_CODE_PATH = re.compile(rf"(?P<lei>[{_CJK}]+?)\s*\(类\)\s*(?:(?P<kuan>[{_CJK}、]+?)\s*\(款\))?\s*(?:(?P<xiang>[{_CJK}、]+?)\s*\(项\))?")
# Totals and items the explanation states budget against actual for.
_TOTALS = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"一般公共预算财政拨款支出", "general_budget_expenditure"),
        (r"政府性基金预算财政拨款(?:收入和)?支出", "government_fund_expenditure"),
        (r"国有资本经营预算财政拨款(?:收入和)?支出", "state_capital_expenditure"),
        (r"[“\"]三公[”\"]经费(?:财政拨款)?(?:支出)?", "three_public_total"),
        (r"因公出国\(境\)费", "outbound_travel"),
        (r"公务用车购置及运行(?:维护)?费", "vehicle_total"),
        (r"公务用车购置(?:费|支出)", "vehicle_purchase"),
        (r"公务用车运行(?:维护)?(?:费|支出)", "vehicle_operation"),
        (r"公务接待费", "reception"),
    )
)


@dataclass(frozen=True)
class _Subject:
    start: int
    end: int
    kind: str
    code: ClassificationCode | None
    path: str | None  # the (类)(款)(项) path as printed


@dataclass
class _Statement:
    subject: _Subject
    amounts: list[tuple[int, int, str, Amount]]  # (start, end, stage, amount)
    completion: Decimal | None = None
    comparison: str | None = None
    end: int = 0


def _stage(word: str) -> str:
    return next(stage for prefix, stage in _STAGES if word.startswith(prefix))


class CodeIndex:
    """The functional codes a document's tables print, found by the names they print them with."""

    def __init__(self, lines: list[BudgetLine]) -> None:
        self.names: dict[str, set[str]] = {}
        for line in lines:
            code = line.code
            if code is not None and code.scheme is CodeScheme.functional and code.name:
                self.names.setdefault(code.notation, set()).add(clean_name(code.name))

    def _named(self, name: str, length: int, parent: str | None) -> list[str]:
        return sorted(notation for notation, names in self.names.items() if len(notation) == length and name in names and (parent is None or notation.startswith(parent)))

    def resolve(self, lei: str, kuan: str | None, xiang: str | None) -> str | None:
        """The code of the deepest level named, where every level named is one the tables print by that name.

        A level the tables do not print at all (an excerpt with only its 项 rows) is passed
        over; a level they print under other names is a mismatch, and the path has no code.
        """
        found = self._named(lei, 3, None) or [c for c in [category_by_name(lei)] if c]
        if len(found) != 1:
            return None
        notation = found[0]
        for name, length in ((kuan, 5), (xiang, 7)):
            if name is None:
                return notation if len(notation) == length - 2 else None
            printed = [c for c in self.names if len(c) == length and c.startswith(notation[:3])]
            children = self._named(clean_name(name), length, notation)
            if len(children) == 1:
                notation = children[0]
            elif printed or length == 7:
                return None
        return notation


def _subjects(text: str, codes: CodeIndex, section_kind: str) -> list[_Subject]:
    found: list[_Subject] = []
    for match in _CODE_PATH.finditer(text):
        lei = re.sub(r"^\d+\s*、", "", match.group("lei"))
        kuan, xiang = match.group("kuan"), match.group("xiang")
        notation = codes.resolve(clean_name(lei), kuan, xiang)
        code = ClassificationCode(CodeScheme.functional, notation, clean_name(xiang or kuan or lei)) if notation else None
        found.append(_Subject(match.start(), match.end(), section_kind, code, match.group().strip()))
    for pattern, kind in _TOTALS:
        for match in pattern.finditer(text):
            if not any(s.start <= match.start() < s.end for s in found):
                found.append(_Subject(match.start(), match.end(), kind, None, None))
    return sorted(found, key=lambda subject: subject.start)


def _statements(text: str, subjects: list[_Subject]) -> list[_Statement]:
    """Each stated amount, 完成率 and comparison, given to the nearest subject before it."""
    statements: dict[int, _Statement] = {}

    def owner(position: int) -> _Statement | None:
        before = [s for s in subjects if s.end <= position]
        if not before:
            return None
        subject = before[-1]
        return statements.setdefault(subject.start, _Statement(subject, []))

    for match in STAGE_AMOUNT.finditer(text):
        statement = owner(match.start())
        value = parse_decimal(match.group("num"))
        if statement is None or value is None:
            continue
        amount = Amount(match.group("num").strip(), value, MoneyUnit.wan_yuan)
        statement.amounts.append((match.start(), match.end(), _stage(match.group("stage")), amount))
        statement.end = max(statement.end, match.end())
    for match in _COMPLETION.finditer(text):
        statement = owner(match.start())
        if statement is not None and statement.amounts and statement.completion is None:
            statement.completion = parse_decimal(match.group("num"))
            statement.end = max(statement.end, match.end())
    for match in _COMPARISON.finditer(text):
        verb = _VERBS.get(match.group("verb") or "") or ("equal" if match.group("flat") else None)
        statement = owner(match.start())
        if verb and statement is not None and statement.amounts and statement.comparison is None:
            statement.comparison = verb
            statement.end = max(statement.end, match.end())
    return [s for s in statements.values() if s.amounts]


def _figures(paragraph: Paragraph, statement: _Statement) -> list[NarrativeFigure]:
    subject = statement.subject
    text = paragraph.text[subject.start : statement.end]
    lines = paragraph.lines(subject.start, statement.end)
    figures: list[NarrativeFigure] = []
    for _, _, stage, amount in statement.amounts:
        final = stage == Stage.final_accounts
        figures.append(
            NarrativeFigure(
                kind=subject.kind,
                amount=amount,
                statement=text,
                lines=lines,
                stage=stage,
                code=subject.code,
                completion_percent=statement.completion if final else None,
                comparison=statement.comparison if final else None,
            )
        )
    return figures


def _subject_first(text: str) -> bool:
    """Whether a subject is named before any stated amount."""
    amount = STAGE_AMOUNT.search(text)
    subject = min((m.start() for p in [_CODE_PATH] + [p for p, _ in _TOTALS] for m in [p.search(text)] if m), default=None)
    return subject is not None and (amount is None or subject < amount.start())


def _joined(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A subject's paragraph joined with the next when the amounts come there.

    "2、…一般行政管理事务(项)。主要用于:" ends a line on its colon (or its 。), so the
    prose reader starts a new paragraph with "局财政业务指导…。年初预算为 10.00 万元": the
    amounts belong to the item above.
    """
    joined: list[Paragraph] = []
    for paragraph in paragraphs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and not is_heading(previous.text)
            and _subject_first(previous.text)
            and not STAGE_AMOUNT.search(previous.text)
            and STAGE_AMOUNT.search(paragraph.text)
            and not _subject_first(paragraph.text)
        ):
            offset = len(previous.text)
            joined[-1] = Paragraph(
                previous.text + paragraph.text,
                previous.starts + tuple(start + offset for start in paragraph.starts),
                previous.numbers + paragraph.numbers,
            )
        else:
            joined.append(paragraph)
    return joined


def extract_execution(source: SourceText, table_lines: set[int], budget_lines: list[BudgetLine]) -> tuple[list[NarrativeFigure], list[ParseWarning]]:
    """The budget-against-actual statements of the explanation, and warnings for paths no table prints."""
    codes = CodeIndex(budget_lines)
    figures: list[NarrativeFigure] = []
    warnings: list[ParseWarning] = []
    kind = "general_budget_expenditure"  # the fund of the section the paragraph is in
    for paragraph in _joined(prose_paragraphs(source, table_lines)):
        if is_heading(paragraph.text):
            kind = section_kind(paragraph.text)
            continue
        if not STAGE_AMOUNT.search(paragraph.text):
            continue
        for statement in _statements(paragraph.text, _subjects(paragraph.text, codes, kind)):
            subject = statement.subject
            if subject.path is not None and subject.code is None:
                warnings.append(
                    ParseWarning(
                        paragraph.lines(subject.start, subject.end),
                        f"the explanation names {subject.path}, a path of names no table of the document gives a code; its figures are kept without a code",
                    )
                )
            figures.extend(_figures(paragraph, statement))
    figures.extend(_class_shares(source, table_lines, codes))
    return figures, warnings


def _class_shares(source: SourceText, table_lines: set[int], codes: CodeIndex) -> list[NarrativeFigure]:
    """Shares of single 类 (class_shares), of the section's kind."""
    return section_class_shares(source, table_lines, lambda lei: codes.resolve(lei, None, None), Stage.final_accounts)
