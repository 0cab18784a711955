"""The HTML pages: home, search, and one page per resource, shaped by its type.

Every resource page has the same frame (the IRI, what it says, what links to it,
with counts and paging, and links to its RDF); documents, units, codes,
projects, indicators, tables, figures and ontology terms add a section on top
that a budget analyst reads first.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import unquote, urlencode

import pyoxigraph as ox

from api import charts, code_page, execution, unit_page
from api.describe import INCOMING_PAGE, OUTGOING_SHOWN, Description, Graph, Row, describe
from api.html import Site, decimal, esc, layout, link, section, short, source_line, table, term, wan
from api.search import KIND_NAMES, Hit
from kg.vocabulary import BKG, ONTOLOGY_IRI, RDF, RDFS, SKOS

INCOMING_PREVIEW = 10
_B = BKG.base
_GRADES = (("excellent", "优"), ("good", "良"), ("fair", "中"), ("poor", "差"))


def _v(row: Row, name: str) -> str:
    value = row.get(name)
    return value.value if value is not None else ""


def _doc_id(site: Site, document_iri: str) -> str:
    return unquote(document_iri[len(site.base_iri + "id/document/"):]) if document_iri.startswith(site.base_iri) else ""


# -- home and search -----------------------------------------------------------


def home(graph: Graph, site: Site) -> str:
    docs = graph.select(
        """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?y) AS ?year) (SAMPLE(?u) AS ?unit) (SAMPLE(?src) AS ?file)
           (SAMPLE(?k) AS ?kind) WHERE {
             ?d a bkg:BudgetDocument ; dcterms:title ?t ; a ?k .
             FILTER(?k IN (bkg:UnitBudgetDisclosure, bkg:DepartmentBudgetDisclosure, bkg:UnitFinalAccounts, bkg:DepartmentFinalAccounts))
             # A document is ingested without the year or unit it does not state.
             OPTIONAL { ?d bkg:fiscalYear ?y } OPTIONAL { ?d bkg:unit ?u }
             OPTIONAL { ?d dcterms:source ?src } } GROUP BY ?d ORDER BY DESC(?year) ?title"""
    )
    figures = {
        _v(r, "d"): _v(r, "n")
        for r in graph.select(
            "SELECT ?d (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a bkg:BudgetFigure ; prov:wasDerivedFrom ?d } GROUP BY ?d"
        )
    }
    units = graph.select(
        "SELECT ?u (COUNT(DISTINCT ?d) AS ?n) WHERE { ?u a bkg:BudgetUnit . OPTIONAL { ?d a bkg:BudgetDocument ; bkg:unit ?u } } GROUP BY ?u"
    )
    labels = graph.labels([r["unit"] for r in docs if r.get("unit") is not None] + [r["u"] for r in units] + [r["kind"] for r in docs], site.langs)
    years: dict[str, int] = {}
    for row in docs:
        years[_v(row, "year")] = years.get(_v(row, "year"), 0) + 1
    counts = graph.select(
        """SELECT
             (COUNT(DISTINCT ?f) AS ?figures) WHERE { ?f a bkg:BudgetFigure }"""
    )
    other = {
        key: graph.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")[0]["n"].value  # type: ignore[union-attr]
        for key, cls in (("projects", "bkg:Project"), ("indicators", "bkg:Indicator"), ("codes", "skos:Concept"), ("tables", "bkg:BudgetTable"))
    }
    zh = site.lang != "en"
    doc_rows = [
        [
            link(site, _v(r, "d"), text=_v(r, "title")),
            esc(_v(r, "year")),
            link(site, _v(r, "unit"), labels) if _v(r, "unit") else "",
            esc(labels.get(_v(r, "kind"), short(site, _v(r, "kind")))),
            f"<code>{esc(_v(r, 'file'))}</code>",
            esc(figures.get(_v(r, "d"), "0")),
        ]
        for r in docs
    ]
    unit_rows = sorted(
        ([link(site, _v(r, "u"), labels), esc(_v(r, "n"))] for r in units), key=lambda row: row[0]
    )
    count_rows = [
        [esc("文件" if zh else "documents"), esc(len(docs))],
        [esc("单位" if zh else "units"), esc(len(units))],
        [esc("预算数字" if zh else "budget figures"), esc(_v(counts[0], "figures"))],
        [esc("表格" if zh else "tables"), esc(other["tables"])],
        [esc("项目" if zh else "projects"), esc(other["projects"])],
        [esc("绩效指标" if zh else "indicators"), esc(other["indicators"])],
        [esc("科目编码" if zh else "classification codes"), esc(other["codes"])],
    ]
    year_links = " ".join(f'<a href="#y{esc(y)}">{esc(y)}</a> ({n})' for y, n in sorted(years.items(), reverse=True))
    body = (
        f'<form class="search big" action="/search" method="get" role="search"><input type="search" name="q" '
        f'placeholder="{esc(site.word("search_placeholder"))}" aria-label="{esc(site.word("search"))}">'
        f'<button type="submit">{esc(site.word("search"))}</button></form>'
        + section(site.word("counts"), table(["", ""], count_rows, numeric={1}, css="counts"))
        + section(site.word("years"), f"<p>{year_links}</p>")
        + section(
            site.word("documents"),
            table(
                ["标题" if zh else "Title", "年度" if zh else "Year", "单位" if zh else "Unit", "类型" if zh else "Kind",
                 "文件" if zh else "File", "数字" if zh else "Figures"],
                doc_rows,
                numeric={1, 5},
            ),
            ident="documents",
        )
        + section(site.word("units"), table(["单位" if zh else "Unit", "文件数" if zh else "Documents"], unit_rows, numeric={1}), ident="units")
        + section(
            "本体" if zh else "Ontology",
            f'<p>{link(site, ONTOLOGY_IRI, text="budgetkg ontology")} · '
            f'{link(site, BKG.BudgetFigure.value, text="bkg:BudgetFigure")} · {link(site, BKG.BudgetUnit.value, text="bkg:BudgetUnit")}</p>',
        )
    )
    return layout(site, "预算公开知识图谱" if zh else "Budget disclosures knowledge graph", body)


def search_page(graph: Graph, site: Site, query: str, hits: dict[str, list[Hit]]) -> str:
    zh = site.lang != "en"
    labels = graph.labels([ox.NamedNode(h.iri) for hs in hits.values() for h in hs], site.langs)
    parts = []
    for kind, found in hits.items():
        items = "".join(
            f"<li>{link(site, h.iri, labels, labels.get(h.iri) or h.label)}"
            + (f' <code>{esc(h.notation)}</code>' if h.notation and kind == "code" else "")
            + "</li>"
            for h in found
        )
        name = KIND_NAMES[kind][0 if zh else 1]
        parts.append(section(f"{name} ({len(found)})", f'<ul class="hits">{items}</ul>', ident=f"hits-{kind}"))
    if query and not hits:
        parts.append(f'<p class="empty">{esc(site.word("no_results"))}</p>')
    title = f"{site.word('search')}：{query}" if query else site.word("search")
    return layout(site, title, "\n".join(parts), query=query)


def not_found(site: Site, iri: str) -> str:
    return layout(site, site.word("not_found"), f"<p>{esc(site.word('not_found_text'))}</p>", iri=iri)


# -- resource pages --------------------------------------------------------------


def resource_page(graph: Graph, site: Site, resource: ox.NamedNode, *, predicate: str | None = None, offset: int = 0, data_path: str | None = None,
                  rates_offset: int = 0, rates_source: code_page.RatesSource = execution.code_execution) -> str:
    desc = describe(graph, resource, site.langs)
    types = desc.types()
    title = desc.labels.get(resource.value) or short(site, resource.value)
    parts: list[str] = []
    if predicate is None:
        if _B + "BudgetDocument" in types:
            parts.append(document_sections(graph, site, desc))
        elif _B + "BudgetUnit" in types:
            parts.append(unit_sections(graph, site, desc))
        elif SKOS.Concept.value in types and desc.value(SKOS.notation) is not None:
            parts.append(code_sections(graph, site, desc, rates_offset, rates_source))
            if title == short(site, resource.value):
                printed = graph.select(
                    f"SELECT ?l (COUNT(*) AS ?n) WHERE {{ ?cn bkg:ofCode {resource} ; rdfs:label ?l }} GROUP BY ?l ORDER BY DESC(?n) LIMIT 1"
                )
                title = _v(printed[0], "l") if printed else ""
            title = f"{desc.value(SKOS.notation).value} {title}".strip()  # type: ignore[union-attr]
        elif _B + "Project" in types:
            parts.append(project_sections(graph, site, desc))
        elif _B + "Indicator" in types:
            parts.append(indicator_sections(graph, site, desc))
        elif _B + "BudgetTable" in types:
            parts.append(table_sections(graph, site, desc))
        elif _B + "BudgetFigure" in types:
            parts.append(figure_sections(graph, site, desc))
            title = f"{_text(desc, BKG.rowLabel)} · {_text(desc, BKG.columnLabel)}"
        elif _B + "PerformanceTarget" in types:
            parts.append(performance_sections(graph, site, desc))
        if resource.value.startswith(ONTOLOGY_IRI):
            parts.append(ontology_sections(graph, site, desc))
        parts.append(outgoing_section(site, desc))
    parts.append(incoming_section(graph, site, desc, predicate=predicate, offset=offset))
    return layout(site, title, "\n".join(p for p in parts if p), iri=resource.value, data_path=data_path)


def _text(desc: Description, predicate: ox.NamedNode) -> str:
    value = desc.value(predicate)
    return value.value if value is not None else ""


def outgoing_section(site: Site, desc: Description) -> str:
    grouped: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for predicate, value in desc.outgoing:
        counts[predicate.value] = counts.get(predicate.value, 0) + 1
        if counts[predicate.value] <= OUTGOING_SHOWN:
            grouped.setdefault(predicate.value, []).append(term(site, value, desc.labels))
    more = "… {n}" if site.lang == "en" else "… 共 {n} 个"
    rows = [
        [link(site, p, desc.labels), "<br>".join(values + ([esc(more.format(n=counts[p]))] if counts[p] > OUTGOING_SHOWN else []))]
        for p, values in grouped.items()
    ]
    return section(site.word("outgoing"), table(["", ""], rows, css="props"), ident="outgoing")


def incoming_section(graph: Graph, site: Site, desc: Description, *, predicate: str | None, offset: int) -> str:
    page_path = site.href(desc.resource.value)
    joiner = "&" if "?" in page_path else "?"
    zh = site.lang != "en"
    if predicate is not None:
        chosen = ox.NamedNode(predicate)
        total = dict((p.value, n) for p, n in desc.incoming_counts).get(predicate, 0)
        subjects = graph.incoming(desc.resource, chosen, offset, INCOMING_PAGE)
        labels = graph.labels(subjects, site.langs)
        items = "".join(f"<li>{term(site, s, labels)}</li>" for s in subjects)
        nav = []
        if offset > 0:
            nav.append(f'<a rel="prev" href="{esc(page_path + joiner + urlencode({"p": predicate, "offset": max(0, offset - INCOMING_PAGE)}))}">← {esc(site.word("previous"))}</a>')
        if offset + INCOMING_PAGE < total:
            nav.append(f'<a rel="next" href="{esc(page_path + joiner + urlencode({"p": predicate, "offset": offset + INCOMING_PAGE}))}">{esc(site.word("next"))} →</a>')
        shown = f"{offset + 1}–{offset + len(subjects)} / {total}" if subjects else f"0 / {total}"
        back = f'<a href="{esc(page_path)}">{esc(desc.labels.get(desc.resource.value) or short(site, desc.resource.value))}</a>'
        body = (
            f'<p>{back} ← {link(site, predicate, desc.labels)} <span class="count">{esc(shown)}</span></p>'
            f'<ol class="incoming" start="{offset + 1}">{items}</ol><p class="paging">{" · ".join(nav)}</p>'
        )
        return section(site.word("incoming"), body, ident="incoming")
    if not desc.incoming_counts:
        return ""
    blocks = []
    for pred, count in desc.incoming_counts:
        subjects = graph.incoming(desc.resource, pred, 0, INCOMING_PREVIEW)
        labels = graph.labels(subjects, site.langs)
        items = "".join(f"<li>{term(site, s, labels)}</li>" for s in subjects)
        more = ""
        if count > INCOMING_PREVIEW:
            href = page_path + joiner + urlencode({"p": pred.value, "offset": 0})
            more = f'<p class="more"><a href="{esc(href)}">{esc(site.word("more"))} ({count}) →</a></p>'
        blocks.append(
            f'<div class="inblock"><h3>{link(site, pred.value, desc.labels)} <span class="count">{count}</span></h3>'
            f"<ul>{items}</ul>{more}</div>"
        )
    total = desc.incoming_total()
    title = f"{site.word('incoming')} ({total})" if zh or True else ""
    return section(title, "".join(blocks), ident="incoming")


# -- documents and units ---------------------------------------------------------


def _document_file(desc: Description) -> str:
    return _text(desc, ox.NamedNode("http://purl.org/dc/terms/source"))


def _totals(graph: Graph, site: Site, doc: ox.NamedNode, file_name: str) -> str:
    rows = graph.select(
        f"""SELECT DISTINCT ?f ?cls ?row ?col ?amt ?line ?tot WHERE {{
              ?t bkg:inDocument {doc} ; a ?cls . ?f qb:dataSet ?t ; bkg:rowLabel ?row ; bkg:columnLabel ?col ; bkg:sourceLine ?line .
              VALUES ?cls {{ bkg:RevenueExpenditureSummaryTable bkg:RevenueTable bkg:ExpenditureTable }}
              OPTIONAL {{ ?f bkg:amount ?amt }} OPTIONAL {{ ?f bkg:isTotal ?tot }}
              FILTER NOT EXISTS {{ ?f bkg:functionalClassification ?c1 }} FILTER NOT EXISTS {{ ?f bkg:economicClassification ?c2 }}
            }} ORDER BY ?line ?col"""
    )
    if not rows:
        return ""
    zh = site.lang != "en"
    out = []
    groups = (
        ("RevenueExpenditureSummaryTable", "收支总表：收入来源与总计" if zh else "Summary: sources of money and totals"),
        ("RevenueTable", "收入总表：合计" if zh else "Revenue table: total row"),
        ("ExpenditureTable", "支出总表：基本支出 / 项目支出" if zh else "Expenditure table: basic / project"),
    )
    for cls, heading in groups:
        picked = [r for r in rows if _v(r, "cls") == _B + cls and _v(r, "amt")]
        if not picked:
            continue
        body = [
            [
                link(site, _v(r, "f"), text=_v(r, "row")),
                esc(_v(r, "col")),
                wan(_v(r, "amt")),
                source_line(site, _v(r, "line"), file_name),
            ]
            for r in picked
        ]
        out.append(f"<h3>{esc(heading)}</h3>" + table(["项目" if zh else "Row", "栏目" if zh else "Column", esc(site.word("amount")), "来源" if zh else "Source"], body, numeric={2}))
    return section("总额" if zh else "Totals", "".join(out), ident="totals")


def _function_chart(graph: Graph, site: Site, doc: ox.NamedNode) -> str:
    for cls in ("ExpenditureTable", "GeneralBudgetExpenditureTable"):
        rows = graph.select(
            f"""SELECT ?code ?n (SAMPLE(?row) AS ?label) (SAMPLE(?amt) AS ?yuan) WHERE {{
                  ?t bkg:inDocument {doc} ; a bkg:{cls} . ?f qb:dataSet ?t ; bkg:column bkg:column-total ;
                  bkg:functionalClassification ?code ; bkg:amount ?amt ; bkg:rowLabel ?row . ?code skos:notation ?n .
                  FILTER(STRLEN(?n) = 3 || STRLEN(?n) = 5) }} GROUP BY ?code ?n ORDER BY ?n"""
        )
        if rows:
            break
    else:
        return ""
    labels = graph.labels([r["code"] for r in rows], site.langs)
    bars = [
        charts.Bar(
            f"{_v(r, 'n')} {labels.get(_v(r, 'code')) or _v(r, 'label')}",
            decimal(_v(r, "yuan")) or Decimal(0),
            0 if len(_v(r, "n")) == 3 else 1,
            site.href(_v(r, "code")),
        )
        for r in rows
    ]
    zh = site.lang != "en"
    title = "按功能分类（类、款）的支出（万元）" if zh else "Expenditure by functional class and section (10k yuan)"
    return section(title, f'<figure class="chart">{charts.bar_chart(bars, title=title)}</figure>', ident="chart")


def table_grid(graph: Graph, site: Site, tbl: ox.NamedNode, file_name: str) -> str:
    """The table rebuilt from its figures: one row per printed line, one column per printed column label."""
    rows = graph.select(
        f"""SELECT DISTINCT ?f ?line ?row ?col ?amt ?count ?printed ?side ?code ?n WHERE {{
              ?f qb:dataSet {tbl} ; bkg:sourceLine ?line ; bkg:rowLabel ?row ; bkg:columnLabel ?col ; bkg:printedAmount ?printed .
              OPTIONAL {{ ?f bkg:amount ?amt }} OPTIONAL {{ ?f bkg:count ?count }} OPTIONAL {{ ?f bkg:side ?side }}
              OPTIONAL {{ ?f bkg:functionalClassification|bkg:economicClassification ?code . ?code skos:notation ?n }}
            }} ORDER BY ?line ?f"""
    )
    if not rows:
        return ""
    columns: list[str] = []
    grid: dict[tuple[int, str, str], dict[str, Row]] = {}
    meta: dict[tuple[int, str, str], Row] = {}
    for r in rows:
        col = _v(r, "col")
        if col not in columns:
            columns.append(col)
        key = (int(_v(r, "line")), _v(r, "side"), _v(r, "row"))
        grid.setdefault(key, {})[col] = r
        meta.setdefault(key, r)
    zh = site.lang != "en"
    body = []
    for key in sorted(grid):
        first = meta[key]
        code = link(site, _v(first, "code"), text=_v(first, "n")) if _v(first, "code") else ""
        cells = []
        for col in columns:
            r = grid[key].get(col)
            if r is None:
                cells.append("")
                continue
            shown = wan(_v(r, "amt")) if _v(r, "amt") else esc(_v(r, "count") or _v(r, "printed"))
            tip = f"{file_name} {site.word('line', n=_v(r, 'line'))} · {_v(r, 'printed')}"
            cells.append(f'<a href="{esc(site.href(_v(r, "f")))}" title="{esc(tip)}">{shown}</a>')
        side = "收" if _v(first, "side").endswith("Revenue") else ("支" if _v(first, "side").endswith("Expenditure") else "")
        body.append([code, esc(key[2]) + (f' <span class="side">{side}</span>' if side and zh else ""), *cells, source_line(site, key[0], None)])
    headers = ["编码" if zh else "Code", "科目/项目" if zh else "Row", *(esc(c) for c in columns), "行" if zh else "Line"]
    note = f'<p class="note">{"金额单位：万元（鼠标悬停显示元及原文）" if zh else "Amounts in 10k yuan (hover for yuan and the printed text)"}</p>'
    return note + table(headers, body, numeric=set(range(2, 2 + len(columns))) | {2 + len(columns)}, css="grid")


def _tables(graph: Graph, site: Site, doc: ox.NamedNode, file_name: str) -> str:
    rows = graph.select(
        f"""SELECT ?t (SAMPLE(?title) AS ?label) (SAMPLE(?i) AS ?index) (SAMPLE(?cls) AS ?kind) (SAMPLE(?line) AS ?first)
                   (COUNT(DISTINCT ?f) AS ?figures) WHERE {{
              ?t bkg:inDocument {doc} ; dcterms:title ?title ; bkg:tableIndex ?i ; a ?cls .
              FILTER(STRSTARTS(STR(?cls), STR(bkg:)) && ?cls != bkg:BudgetTable)
              OPTIONAL {{ ?t bkg:sourceLine ?line }} OPTIONAL {{ ?f qb:dataSet ?t }} }} GROUP BY ?t ORDER BY ?index"""
    )
    labels = graph.labels([r["kind"] for r in rows], site.langs)
    zh = site.lang != "en"
    parts = []
    for r in rows:
        head = (
            f'{esc(_v(r, "index"))}. {link(site, _v(r, "t"), text=_v(r, "label"))} '
            f'<span class="kind">{esc(labels.get(_v(r, "kind"), ""))}</span> {source_line(site, _v(r, "first"), None)}'
        )
        if int(_v(r, "figures") or 0) > 0:
            grid = table_grid(graph, site, ox.NamedNode(_v(r, "t")), file_name)
            count = f'{_v(r, "figures")} {"个数字" if zh else "figures"}'
            parts.append(f'<details><summary>{head} <span class="count">{esc(count)}</span></summary>{grid}</details>')
        else:
            parts.append(f'<p class="tbl">{head}</p>')
    return section("表格" if zh else "Tables", "\n".join(parts), ident="tables")


def _performance(graph: Graph, site: Site, doc: ox.NamedNode, file_name: str) -> str:
    targets = graph.select(
        f"""SELECT DISTINCT ?p ?label ?project ?code ?total ?line WHERE {{ {doc} bkg:performanceTarget ?p . ?p rdfs:label ?label .
              OPTIONAL {{ ?p bkg:forProject ?project }} OPTIONAL {{ ?p bkg:projectCode ?code }}
              OPTIONAL {{ ?p bkg:budgetTotal ?total }} OPTIONAL {{ ?p bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    indicators = graph.select(
        f"""SELECT DISTINCT ?p ?i ?label ?l1 ?l2 ?target ?line WHERE {{ {doc} bkg:performanceTarget ?p . ?p bkg:indicator ?i .
              ?i rdfs:label ?label . OPTIONAL {{ ?i bkg:level1Indicator ?l1 }} OPTIONAL {{ ?i bkg:level2Indicator ?l2 }}
              OPTIONAL {{ ?i bkg:target/bkg:text ?target }} OPTIONAL {{ ?i bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    if not targets:
        return ""
    by_target: dict[str, list[Row]] = {}
    for r in indicators:
        by_target.setdefault(_v(r, "p"), []).append(r)
    zh = site.lang != "en"
    parts = []
    for t in targets:
        inds = by_target.get(_v(t, "p"), [])
        rows = [
            [esc(_v(i, "l1")), esc(_v(i, "l2")), link(site, _v(i, "i"), text=_v(i, "label")), esc(_v(i, "target")), source_line(site, _v(i, "line"), None)]
            for i in inds
        ]
        project = f' · {link(site, _v(t, "project"), text=_v(t, "code") or ("项目" if zh else "project"))}' if _v(t, "project") else ""
        total = f' · {wan(_v(t, "total"))} 万元' if _v(t, "total") else ""
        summary = f'{link(site, _v(t, "p"), text=_v(t, "label"))}{project}{total} · {source_line(site, _v(t, "line"), file_name)} <span class="count">{len(inds)} {"个指标" if zh else "indicators"}</span>'
        grid = table(["一级" if zh else "Level 1", "二级" if zh else "Level 2", "指标" if zh else "Indicator", "指标值" if zh else "Target", "行" if zh else "Line"], rows, numeric={4})
        parts.append(f"<details><summary>{summary}</summary>{grid}</details>")
    return section("项目与绩效指标" if zh else "Projects and indicators", "\n".join(parts), ident="projects")


def _validation(graph: Graph, site: Site, doc: ox.NamedNode) -> str:
    """The document's SHACL results through the one results table (api.validation_html):
    severity, identity, the offending figure linked to its page, its lines and the message
    in the reader's language."""
    from api.validation_html import results_section
    from kg.settings import Settings
    from kg.validation import validation_report

    doc_id = _doc_id(site, doc.value)
    try:
        report = validation_report(graph.store, doc_id, Settings(base_iri=site.base_iri))
    except Exception:  # a broken validator or a document without a graph must not break the page
        return ""
    zh = site.lang != "en"
    iris = [ox.NamedNode(r.focus) for r in report.results if r.focus.startswith(("http:", "https:"))]
    labels = graph.labels(iris, site.langs)
    links = {}
    for r in report.results:
        if r.focus.startswith(doc.value + "/"):
            links[r.focus] = (site.href(r.focus), labels.get(r.focus) or unquote(r.focus[len(doc.value) + 1:]))
        elif r.focus.startswith(("http:", "https:")):
            links[r.focus] = (site.href(r.focus), labels.get(r.focus) or short(site, r.focus))
        else:
            links[r.focus] = (None, r.focus)
    body = results_section(report, links, "zh" if zh else "en")
    return section(f"{'校验结果' if zh else 'Validation results'} ({len(report.results)})", body, ident="validation")


def _warnings(graph: Graph, site: Site, doc: ox.NamedNode, file_name: str) -> str:
    rows = graph.select(
        f"""SELECT DISTINCT ?w ?message ?line WHERE {{ {doc} bkg:warning ?w . ?w bkg:message ?message . OPTIONAL {{ ?w bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    if not rows:
        return ""
    zh = site.lang != "en"
    body = [[link(site, _v(r, "w"), text=_v(r, "line") and site.word("line", n=_v(r, "line")) or "—"), esc(_v(r, "message"))] for r in rows]
    return section(f"{'解析警告' if zh else 'Parse warnings'} ({len(rows)})", f'<p class="note">{esc(file_name)}</p>' + table(["行" if zh else "Line", "说明" if zh else "Message"], body), ident="warnings")


def document_sections(graph: Graph, site: Site, desc: Description) -> str:
    doc = desc.resource
    file_name = _document_file(desc)
    zh = site.lang != "en"
    facts = []
    for predicate, name in (
        (BKG.fiscalYear, "年度" if zh else "Fiscal year"),
        (BKG.unit, "单位" if zh else "Unit"),
        (BKG.region, "地区" if zh else "Region"),
        (BKG.approvalDocument, "批复文件" if zh else "Approval"),
        (ox.NamedNode("http://purl.org/dc/terms/source"), "文件" if zh else "File"),
        (BKG.sha256, "SHA-256"),
    ):
        value = desc.value(predicate)
        if value is not None:
            facts.append(f"<dt>{esc(name)}</dt><dd>{term(site, value, desc.labels)}</dd>")
    return "\n".join(
        part
        for part in (
            f'<dl class="facts">{"".join(facts)}</dl>',
            _totals(graph, site, doc, file_name),
            _function_chart(graph, site, doc),
            _validation(graph, site, doc),
            _performance(graph, site, doc, file_name),
            _tables(graph, site, doc, file_name),
            _warnings(graph, site, doc, file_name),
        )
        if part
    )


def unit_sections(graph: Graph, site: Site, desc: Description) -> str:
    return unit_page.sections(graph, site, desc)


# -- codes, projects, indicators, tables, figures ---------------------------------


def code_sections(graph: Graph, site: Site, desc: Description, rates_offset: int = 0,
                  rates_source: code_page.RatesSource = execution.code_execution) -> str:
    return code_page.sections(graph, site, desc, rates_offset, rates_source)


def _indicator_rows(graph: Graph, site: Site, parent: ox.NamedNode) -> list[list[str]]:
    rows = graph.select(
        f"""SELECT DISTINCT ?i ?label ?l1 ?l2 ?target ?line WHERE {{ {parent} bkg:indicator ?i . ?i rdfs:label ?label .
              OPTIONAL {{ ?i bkg:level1Indicator ?l1 }} OPTIONAL {{ ?i bkg:level2Indicator ?l2 }}
              OPTIONAL {{ ?i bkg:target/bkg:text ?target }} OPTIONAL {{ ?i bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    return [[esc(_v(r, "l1")), esc(_v(r, "l2")), link(site, _v(r, "i"), text=_v(r, "label")), esc(_v(r, "target")), source_line(site, _v(r, "line"), None)] for r in rows]


def performance_sections(graph: Graph, site: Site, desc: Description) -> str:
    zh = site.lang != "en"
    rows = _indicator_rows(graph, site, desc.resource)
    if not rows:
        return ""
    return section("绩效指标" if zh else "Indicators", table(["一级" if zh else "Level 1", "二级" if zh else "Level 2", "指标" if zh else "Indicator", "指标值" if zh else "Target", "行" if zh else "Line"], rows, numeric={4}), ident="indicators")


def project_sections(graph: Graph, site: Site, desc: Description) -> str:
    zh = site.lang != "en"
    targets = graph.select(
        f"""SELECT DISTINCT ?t ?d ?src ?total ?fiscal ?line WHERE {{ ?t bkg:forProject {desc.resource} ; prov:wasDerivedFrom ?d .
              OPTIONAL {{ ?d dcterms:source ?src }} OPTIONAL {{ ?t bkg:budgetTotal ?total }} OPTIONAL {{ ?t bkg:budgetFiscal ?fiscal }}
              OPTIONAL {{ ?t bkg:sourceLine ?line }} }}"""
    )
    labels = graph.labels([r["d"] for r in targets], site.langs)
    parts = []
    for t in targets:
        facts = (
            f'<dl class="facts"><dt>{"文件" if zh else "Document"}</dt><dd>{link(site, _v(t, "d"), labels)} · {source_line(site, _v(t, "line"), _v(t, "src"))}</dd>'
            f'<dt>{"预算总额（万元）" if zh else "Budget (10k yuan)"}</dt><dd>{wan(_v(t, "total")) if _v(t, "total") else "—"}</dd>'
            f'<dt>{"财政拨款（万元）" if zh else "Fiscal (10k yuan)"}</dt><dd>{wan(_v(t, "fiscal")) if _v(t, "fiscal") else "—"}</dd></dl>'
        )
        rows = _indicator_rows(graph, site, ox.NamedNode(_v(t, "t")))
        parts.append(
            section(
                f"{'绩效目标' if zh else 'Performance target'}",
                facts + f"<p>{link(site, _v(t, 't'), text='绩效目标表' if zh else 'target table')}</p>"
                + table(["一级" if zh else "Level 1", "二级" if zh else "Level 2", "指标" if zh else "Indicator", "指标值" if zh else "Target", "行" if zh else "Line"], rows, numeric={4}),
            )
        )
    return "\n".join(parts)


def indicator_sections(graph: Graph, site: Site, desc: Description) -> str:
    zh = site.lang != "en"
    ind = desc.resource
    target = graph.select(
        f"""SELECT DISTINCT ?text ?cmp ?lo ?hi ?u WHERE {{ {ind} bkg:target ?t . ?t bkg:text ?text .
              OPTIONAL {{ ?t bkg:comparator ?cmp }} OPTIONAL {{ ?t bkg:lowerBound ?lo }} OPTIONAL {{ ?t bkg:upperBound ?hi }} OPTIONAL {{ ?t bkg:valueUnit ?u }} }}"""
    )
    grades = {
        _v(r, "g").rsplit("-", 1)[-1]: r
        for r in graph.select(
            f"""SELECT DISTINCT ?g ?text ?cmp ?lo ?hi ?u WHERE {{ {ind} bkg:gradeThreshold ?gt . ?gt bkg:grade ?g ; bkg:target ?t . ?t bkg:text ?text .
                  OPTIONAL {{ ?t bkg:comparator ?cmp }} OPTIONAL {{ ?t bkg:lowerBound ?lo }} OPTIONAL {{ ?t bkg:upperBound ?hi }} OPTIONAL {{ ?t bkg:valueUnit ?u }} }}"""
        )
    }
    parent = graph.select(f"SELECT DISTINCT ?p ?d ?src WHERE {{ ?p bkg:indicator {ind} . OPTIONAL {{ ?p prov:wasDerivedFrom ?d . ?d dcterms:source ?src }} }}")
    labels = graph.labels([r["p"] for r in parent] + [r["d"] for r in parent], site.langs)
    facts = []
    for predicate, name in ((BKG.level1Indicator, "一级指标" if zh else "Level 1"), (BKG.level2Indicator, "二级指标" if zh else "Level 2"),
                            (BKG.description, "说明" if zh else "Description"), (BKG.basis, "依据" if zh else "Basis"),
                            (BKG.weight, "权重" if zh else "Weight"), (BKG.direction, "方向" if zh else "Direction")):
        value = desc.value(predicate)
        if value is not None:
            facts.append(f"<dt>{esc(name)}</dt><dd>{term(site, value, desc.labels)}</dd>")
    for r in parent:
        facts.append(f"<dt>{'所属' if zh else 'Part of'}</dt><dd>{link(site, _v(r, 'p'), labels)} · {link(site, _v(r, 'd'), labels)}</dd>")
    line = desc.value(BKG.sourceLine)
    if line is not None:
        facts.append(f"<dt>{'来源' if zh else 'Source'}</dt><dd>{source_line(site, line.value, _v(parent[0], 'src') if parent else None)}</dd>")
    for r in target:
        facts.append(f"<dt>{'指标值' if zh else 'Target'}</dt><dd><strong>{esc(_v(r, 'text'))}</strong> {_bounds(r)}</dd>")
    out = [f'<dl class="facts">{"".join(facts)}</dl>']
    if grades:
        rows = [[f'<span class="grade g-{key}">{char}</span>', esc(_v(grades[key], "text")), _bounds(grades[key])] for key, char in _GRADES if key in grades]
        out.append(section("评分档次（优/良/中/差）" if zh else "Grade thresholds", table(["档次" if zh else "Grade", "标准" if zh else "Threshold", "解析" if zh else "Parsed"], rows, css="grades"), ident="grades"))
    return "\n".join(out)


def _bounds(row: Row) -> str:
    bits = [esc(_v(row, "cmp")), esc(_v(row, "lo")), "–" if _v(row, "lo") and _v(row, "hi") else "", esc(_v(row, "hi")), esc(_v(row, "u"))]
    text = " ".join(b for b in bits if b)
    return f'<span class="parsed">{text}</span>' if text else ""


def table_sections(graph: Graph, site: Site, desc: Description) -> str:
    doc = desc.value(BKG.inDocument)
    file_name = ""
    if isinstance(doc, ox.NamedNode):
        rows = graph.select(f"SELECT ?src WHERE {{ {doc} dcterms:source ?src }} LIMIT 1")
        file_name = _v(rows[0], "src") if rows else ""
    zh = site.lang != "en"
    facts = f'<dl class="facts"><dt>{"文件" if zh else "Document"}</dt><dd>{term(site, doc, desc.labels)}</dd>'
    line = desc.value(BKG.sourceLine)
    if line is not None:
        facts += f"<dt>{'来源' if zh else 'Source'}</dt><dd>{source_line(site, line.value, file_name)}</dd>"
    money = desc.value(BKG.moneyUnit)
    if money is not None:
        facts += f"<dt>{'印出单位' if zh else 'Printed unit'}</dt><dd>{esc(money.value)}</dd>"
    facts += "</dl>"
    grid = table_grid(graph, site, desc.resource, file_name)
    indicators = graph.select(f"SELECT DISTINCT ?p WHERE {{ ?p bkg:inTable {desc.resource} ; bkg:indicator ?i }}")
    extra = "".join(performance_sections(graph, site, describe(graph, ox.NamedNode(_v(r, "p")), site.langs)) for r in indicators[:5])
    return facts + (section("重建的表格" if zh else "Reconstructed table", grid, ident="grid") if grid else "") + extra


def figure_sections(graph: Graph, site: Site, desc: Description) -> str:
    zh = site.lang != "en"
    doc = desc.value(ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"))
    file_name = ""
    if isinstance(doc, ox.NamedNode):
        rows = graph.select(f"SELECT ?src WHERE {{ {doc} dcterms:source ?src }} LIMIT 1")
        file_name = _v(rows[0], "src") if rows else ""
    amount = desc.value(BKG.amount)
    facts = []
    if amount is not None:
        yuan = decimal(amount.value) or Decimal(0)
        facts.append(f"<dt>{'金额' if zh else 'Amount'}</dt><dd class=\"num\"><strong>{yuan / 10000:,.2f}</strong> 万元 · {yuan:,.2f} 元</dd>")
    printed = desc.value(BKG.printedAmount)
    if printed is not None:
        unit = desc.value(BKG.printedUnit)
        facts.append(f"<dt>{'原文' if zh else 'As printed'}</dt><dd><code>{esc(printed.value)}</code> {esc(unit.value if unit else '')}</dd>")
    for predicate, name in ((BKG.rowLabel, "行" if zh else "Row"), (BKG.columnLabel, "栏" if zh else "Column"), (BKG.column, "栏目含义" if zh else "Column meaning"),
                            (BKG.functionalClassification, "功能分类" if zh else "Functional code"), (BKG.economicClassification, "经济分类" if zh else "Economic code"),
                            (BKG.side, "收支" if zh else "Side"), (BKG.unit, "单位" if zh else "Unit"), (ox.NamedNode("http://purl.org/linked-data/cube#dataSet"), "表格" if zh else "Table")):
        value = desc.value(predicate)
        if value is not None:
            facts.append(f"<dt>{esc(name)}</dt><dd>{term(site, value, desc.labels)}</dd>")
    line = desc.value(BKG.sourceLine)
    if line is not None:
        facts.append(f"<dt>{'来源' if zh else 'Source'}</dt><dd>{term(site, doc, desc.labels)} · {source_line(site, line.value, file_name)}</dd>")
    return f'<dl class="facts">{"".join(facts)}</dl>'


def ontology_sections(graph: Graph, site: Site, desc: Description) -> str:
    zh = site.lang != "en"
    labels = [f'<dd lang="{esc(v.language or "")}">{esc(v.value)}</dd>' for v in desc.values(RDFS.label) if isinstance(v, ox.Literal)]
    definitions = [f'<dd lang="{esc(v.language or "")}">{esc(v.value)}</dd>' for v in desc.values(SKOS.definition) if isinstance(v, ox.Literal)]
    if not labels and not definitions:
        return ""
    count = graph.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {desc.resource} }}")
    n = _v(count[0], "n") if count else "0"
    body = f'<dl class="facts"><dt>{"名称" if zh else "Labels"}</dt>{"".join(labels)}<dt>{"定义" if zh else "Definition"}</dt>{"".join(definitions)}'
    if n != "0":
        href = site.href(desc.resource.value)
        href += ("&" if "?" in href else "?") + urlencode({"p": RDF.type.value, "offset": 0})
        body += f'<dt>{"实例" if zh else "Instances"}</dt><dd><a href="{esc(href)}">{esc(n)}</a></dd>'
    return body + "</dl>"
