"""Performance targets (绩效目标) of projects and of the department, their spending plans,
indicators and grade thresholds, and the activities of a performance table."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import Iris
from kg.mapping.graph import DocumentGraph, decimal_literal, integer_literal, zh
from kg.records import Activity, Indicator, PerformanceTarget, TableKind, Target
from kg.vocabulary import BKG, PROV, RDF, RDFS

_GRADE_NAMES = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}
_DIRECTIONS = {"higher-is-better": "HigherIsBetter", "lower-is-better": "LowerIsBetter"}


def _map_target(out: DocumentGraph, node: ox.NamedNode, target: Target) -> None:
    out.add(node, RDF.type, BKG.TargetValue)
    out.add(node, BKG.text, zh(target.text))
    out.text(node, BKG.comparator, target.comparator)
    if target.lower is not None:
        out.add(node, BKG.lowerBound, decimal_literal(target.lower))
    if target.upper is not None:
        out.add(node, BKG.upperBound, decimal_literal(target.upper))
    out.text(node, BKG.valueUnit, target.unit)


def _map_indicator(out: DocumentGraph, node: ox.NamedNode, indicator: Indicator, doc: ox.NamedNode) -> None:
    out.add(node, RDF.type, BKG.Indicator)
    out.add(node, RDFS.label, zh(indicator.name))
    out.text(node, BKG.level1Indicator, indicator.level1)
    out.text(node, BKG.level2Indicator, indicator.level2)
    out.text(node, BKG.description, indicator.description)
    out.text(node, BKG.basis, indicator.basis)
    if indicator.weight is not None:
        out.add(node, BKG.weight, decimal_literal(indicator.weight))
    out.text(node, BKG.lastYearValue, indicator.last_year_value)
    out.text(node, BKG.scoringRule, indicator.scoring_rule)
    out.text(node, BKG.evidence, indicator.evidence)
    if indicator.direction in _DIRECTIONS:
        out.add(node, BKG.direction, BKG[_DIRECTIONS[indicator.direction]])
    if indicator.target is not None:
        target = ox.NamedNode(node.value + "/target")
        out.add(node, BKG.target, target)
        _map_target(out, target, indicator.target)
    for threshold in indicator.grades:
        grade_key = _GRADE_NAMES.get(threshold.grade)
        if grade_key is None:
            continue
        grade = ox.NamedNode(f"{node.value}/grade/{grade_key}")
        out.add(node, BKG.gradeThreshold, grade)
        out.add(grade, RDF.type, BKG.GradeThreshold)
        out.add(grade, BKG.grade, BKG[f"grade-{grade_key}"])
        target = ox.NamedNode(grade.value + "/target")
        out.add(grade, BKG.target, target)
        _map_target(out, target, threshold.target)
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, indicator.lines)


def map_performance(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, target: PerformanceTarget) -> None:
    node = iris.in_document(doc_id, "performance", target.table)
    department = target.kind is TableKind.department_performance
    out.add(node, RDF.type, BKG.DepartmentPerformanceTarget if department else BKG.ProjectPerformanceTarget)
    out.add(node, RDF.type, BKG.PerformanceTarget)
    out.add(node, RDFS.label, zh(target.name))
    out.add(doc, BKG.performanceTarget, node)
    out.add(node, BKG.unit, unit)
    out.add(node, BKG.inTable, iris.in_document(doc_id, "table", target.table))
    if not department:
        project = iris.project(target.code) if target.code else iris.in_document(doc_id, "project", target.table)
        out.add(node, BKG.forProject, project)
        out.shared(project, RDF.type, BKG.Project)
        out.shared(project, RDFS.label, zh(target.name))
        out.shared(project, BKG.unit, unit)
        if target.code:
            out.shared(project, BKG.projectCode, ox.Literal(target.code))
    out.text(node, BKG.projectCode, target.code)
    out.amount(node, BKG.budgetTotal, target.budget_total)
    out.amount(node, BKG.budgetFiscal, target.budget_fiscal)
    out.amount(node, BKG.budgetOther, target.budget_other)
    out.text(node, BKG.purpose, target.purpose)
    out.text(node, BKG.goals, target.goals)
    out.text(node, BKG.responsiblePerson, target.responsible_person)
    for order, (label, percent) in enumerate(target.spending_plan, start=1):
        milestone = iris.in_document(doc_id, "performance", target.table, "milestone", order)
        out.add(node, BKG.spendingMilestone, milestone)
        out.add(milestone, RDF.type, BKG.SpendingMilestone)
        out.add(milestone, BKG.milestone, zh(label))
        out.add(milestone, BKG.cumulativePercent, decimal_literal(percent))
        out.add(milestone, BKG.order, integer_literal(order))
    for number, indicator in enumerate(target.indicators, start=1):
        indicator_node = iris.in_document(doc_id, "performance", target.table, "indicator", number)
        out.add(node, BKG.indicator, indicator_node)
        _map_indicator(out, indicator_node, indicator, doc)
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, target.lines)


def map_activities(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, activities: list[Activity]) -> None:
    parents: dict[tuple[int, str], ox.NamedNode] = {}
    for number, activity in enumerate(activities, start=1):
        node = iris.in_document(doc_id, "activity", number)
        out.add(node, RDF.type, BKG.Activity)
        out.add(node, RDFS.label, zh(activity.name))
        out.add(doc, BKG.activity, node)
        out.add(node, BKG.unit, unit)
        out.add(node, BKG.inTable, iris.in_document(doc_id, "table", activity.table))
        out.add(node, BKG.activityLevel, integer_literal(activity.level))
        if activity.level == 1:
            parents[(activity.table, activity.name)] = node
        elif activity.parent and (activity.table, activity.parent) in parents:
            out.add(node, BKG.parentActivity, parents[(activity.table, activity.parent)])
        if activity.budget is not None:
            out.amount(node, BKG.budgetAmount, activity.budget)
            out.text(node, BKG.printedAmount, activity.budget.printed)
        out.text(node, BKG.description, activity.description)
        out.text(node, BKG.goal, activity.goal)
        for index, indicator in enumerate(activity.indicators, start=1):
            indicator_node = iris.in_document(doc_id, "activity", number, "indicator", index)
            out.add(node, BKG.indicator, indicator_node)
            _map_indicator(out, indicator_node, indicator, doc)
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, activity.lines)
