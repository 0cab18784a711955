"""The corpus questions in two forms: over every figure, and over the summary figures.

``kg.summary`` promises that both forms answer alike; the pairs here are what
``tests/test_summary.py`` compares and what ``bench/bench_analytics.py`` times
(the figure form is how these questions were asked before the summary existed).
"""

from __future__ import annotations

from api.examples import EXAMPLES
from kg.scale_bench import QUERY_MIX

# The queries as they were written over the figures, before the summary existed.
FIGURES_SUM_BY_UNIT = """SELECT ?unit (SUM(?yuan) AS ?total) WHERE {
    ?figure bkg:column bkg:column-total ; qb:dataSet/a bkg:ExpenditureTable ; bkg:isTotal true ;
            bkg:unit ?unit ; bkg:amount ?yuan } GROUP BY ?unit"""
FIGURE_SELECTOR = """
      ?figure bkg:functionalClassification ?c ; bkg:stage ?stage ; bkg:amount ?yuan ; bkg:unit ?unit ; bkg:fiscalYear ?year .
      ?c skos:notation ?code .
      { ?figure bkg:column bkg:column-total ; bkg:side bkg:Expenditure }
      UNION { ?figure bkg:figureKind bkg:figure-general-budget-expenditure }"""
# Execution rate for every code, and under-spends without the LIMIT (ties at the cut
# could be ordered either way); the examples' own texts are compared too.
FIGURES_RATE_ALL_CODES = (
    """SELECT ?unitName ?year ?code ?budgetYuan ?actualYuan ((ROUND(?actualYuan / ?budgetYuan * 10000) / 100) AS ?ratePercent)
WHERE {
  { SELECT ?unit ?year ?code
           (MAX(IF(?stage = bkg:stage-initial-budget, ?yuan, -1)) AS ?budgetYuan)
           (MAX(IF(?stage = bkg:stage-final-accounts, ?yuan, -1)) AS ?actualYuan)
    WHERE { %s }
    GROUP BY ?unit ?year ?code }
  FILTER (?budgetYuan > 0 && ?actualYuan >= 0)
  ?unit skos:prefLabel ?unitName .
}"""
    % FIGURE_SELECTOR
)
SUMMARY_RATE_ALL_CODES = """SELECT ?unitName ?year ?code ?budgetYuan ?actualYuan ((ROUND(?actualYuan / ?budgetYuan * 10000) / 100) AS ?ratePercent)
WHERE {
  { SELECT ?unit ?year ?code (MAX(?budget) AS ?budgetYuan) (MAX(?actual) AS ?actualYuan)
    WHERE {
      { SELECT ?execution (MAX(?b) AS ?budget) (MAX(?a) AS ?actual)
        WHERE { { SELECT DISTINCT ?execution WHERE { ?execution a bkg:ExecutionFigure } }
                ?execution bkg:finalAccountsAmount ?a ; bkg:initialBudgetAmount ?b . }
        GROUP BY ?execution }
      FILTER (?budget > 0 && ?actual >= 0)
      ?execution bkg:codeNotation ?code ; bkg:unit ?unit ; bkg:fiscalYear ?year .
    }
    GROUP BY ?unit ?year ?code }
  ?unit skos:prefLabel ?unitName .
}"""
FIGURES_RATE_BY_CODE = """SELECT ?unitName ?year ?budgetYuan ?actualYuan ((ROUND(?actualYuan / ?budgetYuan * 10000) / 100) AS ?ratePercent)
WHERE {
  { SELECT ?unit ?year
           (MAX(IF(?stage = bkg:stage-initial-budget, ?yuan, -1)) AS ?budgetYuan)
           (MAX(IF(?stage = bkg:stage-final-accounts, ?yuan, -1)) AS ?actualYuan)
    WHERE {
      ?code skos:notation "2080505" .
      ?figure bkg:functionalClassification ?code ;
              bkg:stage ?stage ; bkg:amount ?yuan ; bkg:unit ?unit ; bkg:fiscalYear ?year .
      { ?figure bkg:column bkg:column-total ; bkg:side bkg:Expenditure }
      UNION { ?figure bkg:figureKind bkg:figure-general-budget-expenditure }
    }
    GROUP BY ?unit ?year }
  FILTER (?budgetYuan > 0 && ?actualYuan >= 0)
  ?unit skos:prefLabel ?unitName .
}
ORDER BY ?ratePercent ?unitName ?year"""
FIGURES_UNDER_SPENDS = """SELECT ?unitName ?year ?code ?budgetYuan ?actualYuan ((?budgetYuan - ?actualYuan) AS ?underSpentYuan)
WHERE {
  { SELECT ?unit ?year ?code
           (MAX(IF(?stage = bkg:stage-initial-budget, ?yuan, -1)) AS ?budgetYuan)
           (MAX(IF(?stage = bkg:stage-final-accounts, ?yuan, -1)) AS ?actualYuan)
    WHERE {
      ?figure bkg:functionalClassification/skos:notation ?code ;
              bkg:stage ?stage ; bkg:amount ?yuan ; bkg:unit ?unit ; bkg:fiscalYear ?year .
      { ?figure bkg:column bkg:column-total ; bkg:side bkg:Expenditure }
      UNION { ?figure bkg:figureKind bkg:figure-general-budget-expenditure }
      FILTER (STRLEN(?code) = 7)
    }
    GROUP BY ?unit ?year ?code }
  FILTER (?budgetYuan > 0 && ?actualYuan >= 0 && ?actualYuan < ?budgetYuan)
  ?unit skos:prefLabel ?unitName .
}
ORDER BY DESC(?underSpentYuan)
LIMIT 20"""


def example(prefix: str) -> str:
    return next(query for title, query in EXAMPLES if title.startswith(prefix))


def query_pairs() -> dict[str, tuple[str, str, bool]]:
    """name -> (over the figures, over the summary, whether the order of rows is part of the answer)."""
    return {
        "sum by unit (bench mix)": (FIGURES_SUM_BY_UNIT, QUERY_MIX["sum by unit"], False),
        "execution rate, one code (2080505)": (FIGURES_RATE_BY_CODE, example("预算执行率"), True),
        "execution rate, all codes": (FIGURES_RATE_ALL_CODES, SUMMARY_RATE_ALL_CODES, False),
        "biggest under-spends": (FIGURES_UNDER_SPENDS, example("最大的预算结余"), False),
        "under-spends, no LIMIT": (FIGURES_UNDER_SPENDS.replace("LIMIT 20", ""), example("最大的预算结余").replace("LIMIT 20", ""), False),
    }
