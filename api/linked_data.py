"""Linked-data routes: every IRI the graph mints under the base resolves here.

Scheme (one, everywhere): ``GET /id/…`` answers ``303 See Other`` to
``/page/…`` for HTML or ``/data/…?format=…`` for RDF, chosen by ``Accept``
(``text/html`` explicitly preferred → page; otherwise the best RDF format; a
``?format=`` parameter overrides the header). ``/page/…`` and ``/data/…``
answer directly. The resource of ``/id/X``, ``/page/X`` and ``/data/X`` is
``{base_iri}id/X``. IRIs outside the base (ontology terms, W3C terms) have
``/ontology/{name}`` and ``/page?iri=…`` / ``/data?iri=…``. Graph names
``{base}graph/{doc}`` redirect like ``/id/``: HTML to the document's page, RDF
to the whole graph. Unknown resources get 404.
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from api import describe as describe_mod
from api import execution, labels, negotiation, pages, search
from api.config import ServerConfig
from api.describe import Graph
from api.html import ONTOLOGY_NS, Site
from kg.oxigraph_bytes import written
from kg.store import OxigraphStore
from kg.vocabulary import PREFIXES

_SAFE = "/%:@!$&'()*+,;=-._~"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def _canonical(tail: str) -> list[str]:
    """Spellings of a path tail to try: as sent (escapes upper-cased), then re-escaped per segment as kg.iris does."""
    as_sent = _ESCAPE.sub(lambda m: m.group(0).upper(), quote(tail, safe=_SAFE))
    segments = "/".join(quote(unquote(s).replace(" ", ""), safe="") for s in tail.split("/"))
    return list(dict.fromkeys([as_sent, segments]))


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept")
    fmt = negotiation.choose("graph", accept)
    html_q = max(negotiation.explicitly_accepts(accept, "text/html"), negotiation.explicitly_accepts(accept, "application/xhtml+xml"))
    if html_q <= 0:
        return False
    return fmt is None or html_q >= negotiation.quality(negotiation.parse_accept(accept), fmt.media_type)


def _format_params(request: Request) -> list[str]:
    return [v for name in negotiation.FORMAT_PARAMETERS for v in request.query_params.getlist(name)]


def _offset(request: Request, name: str) -> int:
    try:
        return max(0, min(10_000_000, int(request.query_params.get(name, "0"))))
    except ValueError:
        return 0


class LinkedData:
    def __init__(self, config: ServerConfig, store: OxigraphStore, generation: Callable[[], int]) -> None:
        """``generation``: how many updates the server has applied (what the pages keep is dropped when it moves)."""
        self.config = config
        self.base = config.base_iri
        self.graph = Graph(store.oxigraph)
        self.code_rates = execution.CodeRates(generation)  # a code page's rates, per store generation

    def router(self) -> APIRouter:
        router = APIRouter()
        add = router.add_route
        add("/", self.home, methods=["GET"], include_in_schema=False)
        add("/search", self.search, methods=["GET"], include_in_schema=False)
        add("/id/{tail:path}", self.identifier, methods=["GET"], include_in_schema=False)
        add("/graph/{tail:path}", self.graph_name, methods=["GET"], include_in_schema=False)
        add("/page/{tail:path}", self.page, methods=["GET"], include_in_schema=False)
        add("/data/{tail:path}", self.data, methods=["GET"], include_in_schema=False)
        add("/page", self.page_by_iri, methods=["GET"], include_in_schema=False)
        add("/data", self.data_by_iri, methods=["GET"], include_in_schema=False)
        add("/ontology/{name}", self.ontology_term, methods=["GET"], include_in_schema=False)
        return router

    # -- helpers ---------------------------------------------------------------

    def _site(self, request: Request) -> Site:
        langs = labels.languages(request.headers.get("accept-language"))
        return Site(self.base, langs, labels.ui_language(langs))

    def _tail(self, request: Request, prefix: str) -> str:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        text = raw.decode("utf-8", "replace")
        root = request.scope.get("root_path", "")
        if root and text.startswith(root):
            text = text[len(root) :]
        return text[len(prefix) :] if text.startswith(prefix) else request.path_params.get("tail", "")

    def _resolve(self, request: Request, prefix: str) -> tuple[ox.NamedNode | None, str]:
        """The stored resource a /id, /page or /data path names, and the canonical tail."""
        tail = self._tail(request, prefix)
        for candidate in _canonical(tail):
            resource = describe_mod.node(f"{self.base}id/{candidate}")
            if resource is not None and self.graph.exists(resource):
                return resource, candidate
        return None, tail

    def _html(self, site: Site, body: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(body, status_code=status, headers={"Vary": "Accept-Language", "Content-Language": site.lang})

    def _not_found(self, request: Request, iri: str) -> Response:
        if _wants_html(request):
            site = self._site(request)
            return self._html(site, pages.not_found(site, iri), 404)
        return PlainTextResponse(f"The graph holds nothing about <{iri}>.\n", status_code=404, headers={"Vary": "Accept"})

    def _rdf(self, request: Request, triples: list[ox.Triple] | bytes, fmt: negotiation.Format) -> Response:
        if isinstance(triples, bytes):
            body = triples
        else:
            prefixes = PREFIXES if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
            body = written(ox.serialize(triples, format=fmt.rdf_format, prefixes=prefixes))
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

    def _choose_rdf(self, request: Request) -> negotiation.Format | None:
        return negotiation.choose("graph", request.headers.get("accept"), _format_params(request))

    def _not_acceptable(self) -> Response:
        return PlainTextResponse(
            f"This resource is available as text/html and {negotiation.offered('graph')} (or add ?format=turtle|jsonld|ntriples|rdfxml).\n",
            status_code=406,
            headers={"Vary": "Accept"},
        )

    # -- routes ------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        site = self._site(request)
        return self._html(site, await run_in_threadpool(pages.home, self.graph, site))

    async def search(self, request: Request) -> Response:
        site = self._site(request)
        query = request.query_params.get("q", "")
        hits = await run_in_threadpool(search.search, self.graph, query)
        return self._html(site, await run_in_threadpool(pages.search_page, self.graph, site, query, hits))

    async def identifier(self, request: Request) -> Response:
        resource, tail = await run_in_threadpool(self._resolve, request, "/id/")
        if resource is None:
            return self._not_found(request, f"{self.base}id/{tail}")
        params = _format_params(request)
        if not params and _wants_html(request):
            location = f"/page/{tail}"
        else:
            fmt = self._choose_rdf(request)
            if fmt is None:
                return self._not_acceptable()
            location = f"/data/{tail}?{urlencode({'format': fmt.name})}"
        return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})

    async def graph_name(self, request: Request) -> Response:
        tail = self._tail(request, "/graph/")
        graph = None
        for candidate in _canonical(tail):
            node = describe_mod.node(f"{self.base}graph/{candidate}")
            if node is not None and await run_in_threadpool(self.graph.graph_exists, node):
                graph, tail = node, candidate
                break
        if graph is None:
            return self._not_found(request, f"{self.base}graph/{tail}")
        if not _format_params(request) and _wants_html(request):
            document = describe_mod.node(f"{self.base}id/document/{tail.split('/')[0]}")
            if document is not None and await run_in_threadpool(self.graph.exists, document):
                return RedirectResponse(f"/page/document/{tail.split('/')[0]}", status_code=303, headers={"Vary": "Accept"})
            return RedirectResponse("/page?" + urlencode({"iri": graph.value}), status_code=303, headers={"Vary": "Accept"})
        fmt = self._choose_rdf(request)
        if fmt is None:
            return self._not_acceptable()
        quads = self.graph.store.quads_for_pattern(None, None, None, graph)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        return await run_in_threadpool(self._rdf, request, triples, fmt)

    async def page(self, request: Request) -> Response:
        resource, tail = await run_in_threadpool(self._resolve, request, "/page/")
        if resource is None:
            return self._not_found(request, f"{self.base}id/{tail}")
        return await self._page_for(request, resource, f"/data/{tail}")

    async def page_by_iri(self, request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        resource = describe_mod.node(iri)
        if resource is None or not await run_in_threadpool(self.graph.exists, resource):
            return self._not_found(request, iri)
        local = Site(self.base, (), "zh").local_path(iri)
        if local is not None:
            return RedirectResponse(local, status_code=301)
        return await self._page_for(request, resource, "/data?" + urlencode({"iri": iri}))

    async def _page_for(self, request: Request, resource: ox.NamedNode, data_path: str) -> Response:
        site = self._site(request)
        predicate = request.query_params.get("p")
        if predicate is not None and describe_mod.node(predicate) is None:
            predicate = None
        offset = _offset(request, "offset")
        rates_offset = _offset(request, "rates")  # a code page's execution rates, a page at a time
        # A query string in data_path (the /data?iri= form) cannot take "?format=" after it.
        data_link = data_path if "?" not in data_path else None
        body = await run_in_threadpool(
            lambda: pages.resource_page(self.graph, site, resource, predicate=predicate, offset=offset, data_path=data_link, rates_offset=rates_offset, rates_source=self.code_rates)
        )
        return self._html(site, body)

    async def data(self, request: Request) -> Response:
        resource, tail = await run_in_threadpool(self._resolve, request, "/data/")
        if resource is None:
            return self._not_found(request, f"{self.base}id/{tail}")
        return await self._data_for(request, resource)

    async def data_by_iri(self, request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        resource = describe_mod.node(iri)
        if resource is None or not await run_in_threadpool(self.graph.exists, resource):
            return self._not_found(request, iri)
        return await self._data_for(request, resource)

    async def _data_for(self, request: Request, resource: ox.NamedNode) -> Response:
        fmt = self._choose_rdf(request)
        if fmt is None:
            return self._not_acceptable()
        triples = await run_in_threadpool(describe_mod.rdf_description, self.graph, resource)
        return await run_in_threadpool(self._rdf, request, triples, fmt)

    async def ontology_term(self, request: Request) -> Response:
        name = unquote(request.path_params["name"])
        resource = describe_mod.node(ONTOLOGY_NS + name)
        if resource is None or not await run_in_threadpool(self.graph.exists, resource):
            return self._not_found(request, ONTOLOGY_NS + name)
        if _format_params(request) or not _wants_html(request):
            response = await self._data_for(request, resource)
        else:
            response = await self._page_for(request, resource, f"/ontology/{quote(name, safe='')}")
        response.headers["Vary"] = "Accept, Accept-Language"
        return response
