"""Example budget queries offered in the query UI.

They use the terms of ``kg.vocabulary``; keep them in step with the mapping
(``tests/test_api_protocol.py`` checks that each one parses).
"""

from __future__ import annotations

from kg.vocabulary import sparql_prefixes

EXAMPLES: list[tuple[str, str]] = [
    (
        "各单位在某功能科目上的支出 — units spending on a functional code (2080505)",
        """SELECT ?unit ?unitLabel (SUM(?amount) AS ?total)
WHERE {
  ?obs a qb:Observation ;
       bkg:functionalClassification ?code ;
       bkg:unit ?unit ;
       bkg:amount ?amount .
  ?code skos:notation ?notation .
  FILTER(STRSTARTS(STR(?notation), "2080505"))
  OPTIONAL { ?unit rdfs:label ?unitLabel }
}
GROUP BY ?unit ?unitLabel
ORDER BY DESC(?total)
LIMIT 100""",
    ),
    (
        "某单位按类汇总 — a unit's totals by 类 (first 3 digits of the functional code)",
        """SELECT ?lei (SUM(?amount) AS ?total)
WHERE {
  ?unit rdfs:label ?unitLabel .
  FILTER(CONTAINS(STR(?unitLabel), "教育"))
  ?obs bkg:unit ?unit ;
       bkg:functionalClassification ?code ;
       bkg:amount ?amount .
  ?code skos:notation ?notation .
  BIND(SUBSTR(STR(?notation), 1, 3) AS ?lei)
}
GROUP BY ?lei
ORDER BY ?lei""",
    ),
    (
        "项目绩效指标 — a project's performance indicators",
        """SELECT ?project ?projectLabel ?indicator ?indicatorLabel ?target
WHERE {
  ?project bkg:indicator ?indicator ;
           rdfs:label ?projectLabel .
  FILTER(CONTAINS(STR(?projectLabel), "项目"))
  ?indicator rdfs:label ?indicatorLabel .
  OPTIONAL { ?indicator bkg:targetText ?target }
}
ORDER BY ?project ?indicatorLabel
LIMIT 200""",
    ),
    (
        "指标的优/良/中/差阈值 — 优/良/中/差 thresholds of an indicator",
        """SELECT ?indicatorLabel ?grade ?threshold
WHERE {
  ?indicator rdfs:label ?indicatorLabel ;
             bkg:gradeThreshold ?g .
  ?g bkg:grade ?grade ;
     bkg:targetText ?threshold .
  VALUES (?grade ?order) { ("优" 1) ("良" 2) ("中" 3) ("差" 4) }
}
ORDER BY ?indicatorLabel ?order
LIMIT 200""",
    ),
    (
        "文档列表 — the documents (one named graph each)",
        """SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph
ORDER BY ?graph""",
    ),
]


def with_prefixes(query: str) -> str:
    return sparql_prefixes() + "\n" + query
