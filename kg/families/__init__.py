"""Document families: what is specific to a budget (预算) or to final accounts (决算), bundled.

A family is the vocabulary a pipeline step needs to read one kind of document:
its document and table titles, its column meanings, its narrative keywords, the
ontology classes its documents get and the stage (年初预算 / 调整预算 / 决算) a
figure has when its column does not say. The steps (``tables``, ``recognition``,
``extract``, ``mapping``) are shared machinery that take a family as a parameter;
adding a third family (a region's 政府预算 report) is one module here, its
ontology terms and its shapes.

Which family a document belongs to is read from its headings (the document title
and the table titles in its first part), never from the file name: the 财政局 决算
in ``shared/corpus`` has 27 short lines naming 决算 and 1 naming 预算 (十、预算绩效
管理情况); the seeds have none naming 决算 (their two or three mentions of 预决算
are inside sentences).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kg.records import TableKind

TitleRules = tuple[tuple[re.Pattern[str], TableKind], ...]
ColumnRules = tuple[tuple[re.Pattern[str], str], ...]


class Stage:
    """The stage of the budget cycle a figure belongs to (the keys of bkg:stage-…)."""

    initial_budget = "initial-budget"  # 年初预算
    adjusted_budget = "adjusted-budget"  # 调整预算 / 全年预算
    final_accounts = "final-accounts"  # 决算


STAGE_LABELS: Mapping[str, tuple[str, str]] = {
    Stage.initial_budget: ("年初预算", "initial budget"),
    Stage.adjusted_budget: ("调整预算", "adjusted budget"),
    Stage.final_accounts: ("决算", "final accounts"),
}


@dataclass(frozen=True)
class DocumentClasses:
    """The ontology classes (local names in bkg:) a family's documents get."""

    department: str  # 部门 scope
    unit: str  # 单位 scope
    family: str  # the family's own class, a subclass of bkg:BudgetDocument or that class itself


@dataclass(frozen=True)
class Family:
    """One document family (预算, 决算): the vocabulary the shared pipeline reads it with."""

    key: str  # "budget", "final-accounts"
    name: str  # 预算 / 决算, the word its titles end with
    # The word of a document title, as a regex (spaces may fall between its characters).
    document_word: str
    # How many consecutive short cover lines a document title may be printed over.
    title_window: int
    # Table titles -> canonical tables, most specific wording first (titles nest).
    table_titles: TitleRules
    # A title must end like one: prose headings such as "四、…情况及增减变化原因" are not tables.
    title_ending: re.Pattern[str]
    # Untitled tables: what their header words say they are.
    header_kind: Callable[[set[str], str], TableKind | None]
    # A header path part -> column meaning, most specific first; generic words defer upwards.
    column_rules: ColumnRules
    generic_columns: re.Pattern[str]
    # The stage a money column's header path names; None where it names none.
    column_stage: Callable[[list[str]], str | None]
    # The stage of a figure whose column or statement names none.
    default_stage: str
    # Narrative keywords: (figure kind, pattern), longer forms first.
    narrative_keywords: tuple[tuple[str, str], ...]
    classes: DocumentClasses
    # Shapes files (in the shapes package) that check this family's documents.
    shapes: tuple[str, ...]
    # A short heading (document title, table title, contents entry) that names the family.
    heading: re.Pattern[str]
    # Sentences stating one subject's figure at several stages (年初预算为 … 支出决算为 …):
    # read by ``extract.execution`` instead of the keyword reader. None: the family has none.
    execution_statements: re.Pattern[str] | None = None

    def __repr__(self) -> str:  # the rules are long; a family is known by its key
        return f"Family({self.key!r})"


def _families() -> tuple[Family, ...]:
    from kg.families.budget import BUDGET
    from kg.families.final_accounts import FINAL_ACCOUNTS

    return (BUDGET, FINAL_ACCOUNTS)


def all_families() -> tuple[Family, ...]:
    """Every family, the budget first (the default of ``recognise_family``)."""
    return _families()


def family_by_key(key: str) -> Family:
    for family in _families():
        if family.key == key:
            return family
    raise KeyError(f"no document family {key!r}; known: {', '.join(f.key for f in _families())}")


_SENTENCE = re.compile(r"[,，。;；:：!?！？]")
_TABLE_ROW = re.compile(r"\t|^\s*\|")


def heading_counts(lines: tuple[str, ...]) -> dict[str, int]:
    """How many short heading lines name each family (key -> count)."""
    counts = {family.key: 0 for family in _families()}
    for line in lines:
        text = line.replace("**", "").strip().lstrip("#").strip()
        if not text or len(text) > 60 or _SENTENCE.search(text) or _TABLE_ROW.search(line):
            continue
        for family in _families():
            if family.heading.search(text.replace(" ", "")):
                counts[family.key] += 1
    return counts


def recognise_family(lines: tuple[str, ...]) -> Family:
    """The family whose headings the document prints most; a budget when none names one.

    Budgets are the default because a document that names neither (a bare table
    export) was, in every case seen so far, a budget: final accounts always title
    their tables …决算表.
    """
    counts = heading_counts(lines)
    best = max(_families(), key=lambda family: (counts[family.key], family.key == "budget"))
    return best if counts[best.key] > 0 else family_by_key("budget")
