"""Example budget and final-accounts queries offered in the query UI.

They use the terms of ``kg.vocabulary``; keep them in step with the mapping
(``tests/test_api_protocol.py`` checks that each one answers on the seeds).
Oxigraph joins the patterns of a group in the order written around an
OPTIONAL, so every required pattern comes before the first OPTIONAL: with the
indicator's label after the project code's OPTIONAL, the project-indicator
query took 1.25 s on the five seeds; with it before, 0.046 s.

The execution-rate and under-spend queries read the execution figures (``kg.summary``:
one node per unit, year and code, onto which the budget and the 决算 each write their
part) instead of every figure: on 1,000 generated budget + 决算 pairs, under load, over
the figures they took 1.5 s (one code) and 12.7 s (under-spends), over the execution
figures 0.50 s and 3.4 s, with the same rows (``tests/test_summary.py``;
``bench/bench_analytics.py``, figures in the README's Speed section). They group by
execution figure before looking up its unit and year: Oxigraph joins by looking each row
up, and both documents write those, so looking them up first took 0.90 s for one code.
For the same reason each execution figure is taken once (a DISTINCT subquery) before its
amounts are looked up, the 决算 amount first (only a 决算 writes it: a figure with none is
dropped after one lookup). Thread CPU, median of 3, load 5-7, same rows each time: the
DISTINCT on 500 pairs took one code 129 -> 94 ms and the under-spends 1,339 -> 1,020 ms;
then the 决算 amount first, one code 118 -> 105 ms on 500 pairs and 96 -> 76 ms on 3,000
budgets without 决算, the under-spends 1,124 -> 1,083 and 691 -> 489 ms.

The prose-contradicts-figures query reads the validation report ingest stores per document
(``{base}graph/{doc}/validation``) rather than re-deriving the checks in SPARQL: the shapes
already match each stated figure to the row it restates, with rounding tolerances.
"""

from __future__ import annotations

from kg.vocabulary import sparql_prefixes

EXAMPLES: list[tuple[str, str]] = [
    (
        "各单位在某功能科目上的支出 — units spending on a functional code (2080505)",
        """SELECT ?unitName (SUM(?yuan) AS ?totalYuan)
WHERE {
  ?figure a bkg:BudgetFigure ;
          bkg:functionalClassification/skos:notation "2080505" ;
          bkg:column bkg:column-total ;
          qb:dataSet/a bkg:ExpenditureTable ;
          bkg:unit/skos:prefLabel ?unitName ;
          bkg:amount ?yuan .
}
GROUP BY ?unitName
ORDER BY DESC(?totalYuan)""",
    ),
    (
        "某单位按类汇总 — a unit's expenditure totals by 类",
        """SELECT ?unitName ?lei ?name ?yuan
WHERE {
  ?figure bkg:functionalClassification ?code ;
          bkg:column bkg:column-total ;
          qb:dataSet/a bkg:ExpenditureTable ;
          bkg:unit/skos:prefLabel ?unitName ;
          bkg:amount ?yuan .
  ?code skos:notation ?lei ; skos:topConceptOf ?scheme .
  OPTIONAL { ?code skos:prefLabel ?name }
}
ORDER BY ?unitName ?lei""",
    ),
    (
        "项目绩效指标 — a project's performance indicators",
        """SELECT ?code ?project ?level1 ?level2 ?indicator ?target
WHERE {
  ?performance bkg:forProject ?p ; rdfs:label ?project ; bkg:indicator ?i .
  ?i rdfs:label ?indicator .
  OPTIONAL { ?performance bkg:projectCode ?code }
  OPTIONAL { ?i bkg:level1Indicator ?level1 }
  OPTIONAL { ?i bkg:level2Indicator ?level2 }
  OPTIONAL { ?i bkg:target/bkg:text ?target }
}
ORDER BY ?code ?indicator
LIMIT 200""",
    ),
    (
        "指标的优/良/中/差阈值 — 优/良/中/差 thresholds of an indicator",
        """SELECT ?activity ?indicator ?grade ?threshold
WHERE {
  ?a bkg:indicator ?i ; rdfs:label ?activity .
  ?i rdfs:label ?indicator ; bkg:gradeThreshold ?g .
  ?g bkg:grade ?gradeLevel ; bkg:target/bkg:text ?threshold .
  ?gradeLevel skos:notation ?grade ; bkg:gradeRank ?rank .
}
ORDER BY ?activity ?indicator ?rank
LIMIT 200""",
    ),
    (
        "预算执行率（某科目） — execution rate of a code (2080505) by unit and year: 年初预算 against 决算",
        """SELECT ?unitName ?year ?budgetYuan ?actualYuan ((ROUND(?actualYuan / ?budgetYuan * 10000) / 100) AS ?ratePercent)
WHERE {
  { SELECT ?unit ?year (MAX(?budget) AS ?budgetYuan) (MAX(?actual) AS ?actualYuan)
    WHERE {
      # One execution figure per unit, year and code (kg.summary): the budget and the 决算
      # each write their largest 年初预算 and 决算 onto it; the largest of each wins.
      # Grouped by the figure before its unit and year are looked up: both documents write
      # those, so looking them up first would multiply the lookups by four. Each figure once
      # (DISTINCT) before its amounts are looked up, for the same reason.
      { SELECT ?execution (MAX(?b) AS ?budget) (MAX(?a) AS ?actual)
        WHERE { { SELECT DISTINCT ?execution WHERE { ?execution bkg:codeNotation "2080505" } }
                ?execution bkg:finalAccountsAmount ?a ; bkg:initialBudgetAmount ?b . }
        GROUP BY ?execution }
      ?execution bkg:unit ?unit ; bkg:fiscalYear ?year .
    }
    GROUP BY ?unit ?year }
  FILTER (?budgetYuan > 0 && ?actualYuan >= 0)
  ?unit skos:prefLabel ?unitName .
}
ORDER BY ?ratePercent ?unitName ?year""",
    ),
    (
        "最大的预算结余 — biggest under-spends (年初预算 minus 决算, by unit, year and code)",
        """SELECT ?unitName ?year ?code ?budgetYuan ?actualYuan ((?budgetYuan - ?actualYuan) AS ?underSpentYuan)
WHERE {
  { SELECT ?unit ?year ?code (MAX(?budget) AS ?budgetYuan) (MAX(?actual) AS ?actualYuan)
    WHERE {
      # Budget against actual per execution figure (one per unit, year and code, kg.summary),
      # kept only where it is an under-spend before its unit, year and code are looked up.
      { SELECT ?execution (MAX(?b) AS ?budget) (MAX(?a) AS ?actual)
        WHERE { { SELECT DISTINCT ?execution WHERE { ?execution a bkg:ExecutionFigure } }
                ?execution bkg:finalAccountsAmount ?a ; bkg:initialBudgetAmount ?b . }
        GROUP BY ?execution }
      FILTER (?budget > 0 && ?actual >= 0 && ?actual < ?budget)
      ?execution bkg:codeNotation ?code ; bkg:unit ?unit ; bkg:fiscalYear ?year .
      FILTER (STRLEN(?code) = 7)
    }
    GROUP BY ?unit ?year ?code }
  ?unit skos:prefLabel ?unitName .
}
ORDER BY DESC(?underSpentYuan)
LIMIT 20""",
    ),
    (
        "说明与数字矛盾的单位 — units whose prose contradicts their figures (validation violations on stated figures)",
        """SELECT ?unitName ?year ?check ?line ?statement ?message
WHERE {
  # Each document's stored validation report: a violation whose focus is a figure the prose
  # states (prose vs tables, 完成率, 大于/小于/等于, shares, year-on-year, restated figures).
  ?result sh:resultSeverity sh:Violation ; sh:focusNode ?figure ;
          <https://w3id.org/budgetkg/report#identity> ?identity ; sh:resultMessage ?message .
  FILTER (LANG(?message) = "zh")
  ?figure a bkg:NarrativeFigure ; bkg:unit ?unit ; bkg:sourceLine ?line ; bkg:statement ?statement .
  OPTIONAL { ?figure bkg:fiscalYear ?year }
  OPTIONAL { ?unit skos:prefLabel ?unitName }
  BIND (STRAFTER(STR(?identity), "#") AS ?check)
}
ORDER BY ?unitName ?year ?line""",
    ),
    (
        "决算与预算文件 — final accounts and the budget of the same unit and year",
        """SELECT ?unitName ?year ?finalAccounts ?budget
WHERE {
  ?finalAccounts a bkg:FinalAccountsDocument ; bkg:unit ?unit .
  OPTIONAL { ?finalAccounts bkg:fiscalYear ?year }
  OPTIONAL { ?finalAccounts bkg:finalAccountsOf ?budget }
  OPTIONAL { ?unit skos:prefLabel ?unitName }
}
ORDER BY ?unitName ?year""",
    ),
    (
        "文档列表 — the documents (one named graph each)",
        """SELECT ?graph ?title (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?doc a bkg:BudgetDocument ; dcterms:title ?title . ?s ?p ?o } }
GROUP BY ?graph ?title
ORDER BY ?graph""",
    ),
]


def with_prefixes(query: str) -> str:
    return sparql_prefixes() + "\n" + query
