"""Content negotiation: which serialisation a response gets.

A result kind (``solutions`` for SELECT, ``boolean`` for ASK, ``graph`` for
CONSTRUCT/DESCRIBE and the service description) has a list of formats in the
server's order of preference. A ``format``/``output``/``results`` parameter
(as SPARQLWrapper, YASGUI and others add) wins when it names a format of that
kind; otherwise the ``Accept`` header decides, with q-values and wildcards
(RFC 9110 §12.5.1). ``None`` means the request cannot be met: 406.

Only the first ``MAX_ACCEPT_CHARS`` of an Accept header are read, whole media
ranges only: a 1 MB Accept took 1.7 s of the event loop to parse and pushed
every other client's p50 from 3.5 ms to 1,961 ms (issue 14). Browsers send
about 100 characters; SPARQL clients fewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

import pyoxigraph as ox

from api.memo import text_cache

Kind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    # The pyoxigraph format that writes it.
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    # Other media types that ask for it.
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/") or self.media_type.endswith(("+json", "/json", "+xml", "/xml")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    # pyoxigraph takes a QueryResultsFormat for SELECT/ASK results and an RdfFormat for
    # graphs; these narrow ``oxigraph`` to the one a writer needs (a mismatch is a bug).
    @property
    def results_format(self) -> ox.QueryResultsFormat:
        if isinstance(self.oxigraph, ox.QueryResultsFormat):
            return self.oxigraph
        raise TypeError(f"{self.name} is a graph format, not a query results format")

    @property
    def rdf_format(self) -> ox.RdfFormat:
        if isinstance(self.oxigraph, ox.RdfFormat):
            return self.oxigraph
        raise TypeError(f"{self.name} is a query results format, not a graph format")


JSON = Format("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON, ("application/json",))
XML = Format("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml"))
CSV = Format("csv", "text/csv", ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV)
TURTLE = Format("turtle", "text/turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "text/n3", "text/rdf+n3"))
NTRIPLES = Format("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES, ("text/plain",))
JSONLD = Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, ("application/json",))
RDFXML = Format("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml"))
TRIG = Format("trig", "application/trig", ox.RdfFormat.TRIG)
NQUADS = Format("nquads", "application/n-quads", ox.RdfFormat.N_QUADS)

FORMATS: dict[Kind, tuple[Format, ...]] = {
    "solutions": (JSON, XML, CSV, TSV),
    "boolean": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS),
}

# Each format by its name (the name travels to query workers, the Format does not).
BY_NAME: dict[str, Format] = {fmt.name: fmt for formats in FORMATS.values() for fmt in formats}

# Names clients put in format=/output=/results=, per kind.
_PARAM_NAMES: dict[str, dict[Kind, Format]] = {}


def _alias(names: Iterable[str], **by_kind: Format) -> None:
    for name in names:
        # The keywords are Kind names (solutions, boolean, graph); **by_kind types them str.
        _PARAM_NAMES[name] = {kind: fmt for kind, fmt in by_kind.items()}  # type: ignore[misc]


_alias(["json", "srj"], solutions=JSON, boolean=JSON, graph=JSONLD)
_alias(["xml", "srx"], solutions=XML, boolean=XML, graph=RDFXML)
_alias(["csv"], solutions=CSV, boolean=CSV)
_alias(["tsv"], solutions=TSV, boolean=TSV)
_alias(["turtle", "ttl", "n3"], graph=TURTLE)
_alias(["ntriples", "n-triples", "nt"], graph=NTRIPLES)
_alias(["jsonld", "json-ld"], graph=JSONLD)
_alias(["rdfxml", "rdf+xml", "rdf", "rdf/xml"], graph=RDFXML)
_alias(["trig"], graph=TRIG)
_alias(["nquads", "n-quads", "nq"], graph=NQUADS)
for _kind, _formats in FORMATS.items():
    for _fmt in _formats:
        for _media in (_fmt.media_type, *_fmt.aliases):
            _PARAM_NAMES.setdefault(_media, {}).setdefault(_kind, _fmt)

FORMAT_PARAMETERS = ("format", "output", "results")

MAX_ACCEPT_CHARS = 2048


def bounded(accept: str | None) -> str | None:
    """``accept`` cut to its media ranges that end within ``MAX_ACCEPT_CHARS``."""
    if accept is None or len(accept) <= MAX_ACCEPT_CHARS:
        return accept
    head = accept[: MAX_ACCEPT_CHARS + 1]
    return head[: head.rfind(",")] if "," in head else ""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    header = bounded(header)
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        main, _, sub = media.lower().partition("/")
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the most specific matching range gives ``media_type`` (0 if none)."""
    best: MediaRange | None = None
    for candidate in ranges:
        if candidate.matches(media_type) and (best is None or candidate.specificity > best.specificity):
            best = candidate
    return best.q if best else 0.0


def choose(kind: Kind, accept: str | None, format_params: Iterable[str] = ()) -> Format | None:
    return _choose(kind, bounded(accept), tuple(format_params))


@text_cache(maxsize=1024)
def _choose(kind: Kind, accept: str | None, format_params: tuple[str, ...]) -> Format | None:
    for value in format_params:
        chosen = _PARAM_NAMES.get(value.strip().lower(), {}).get(kind)
        if chosen is not None:
            return chosen
    ranges = parse_accept(accept)
    best: tuple[float, int, Format] | None = None
    for rank, fmt in enumerate(FORMATS[kind]):
        q = max(quality(ranges, media) for media in (fmt.media_type, *fmt.aliases))
        if q > 0 and (best is None or q > best[0]):
            best = (q, rank, fmt)
    return best[2] if best else None


def choose_all(accept: str | None, format_params: tuple[str, ...]) -> dict[str, str | None]:
    """The chosen format's name per result kind (None: that kind cannot be met), as a query job takes it."""
    return _choose_all(bounded(accept), format_params)


@text_cache(maxsize=1024)
def _choose_all(accept: str | None, format_params: tuple[str, ...]) -> dict[str, str | None]:
    return {kind: (fmt.name if (fmt := _choose(kind, accept, format_params)) else None) for kind in FORMATS}


def explicitly_accepts(accept: str | None, media_type: str) -> float:
    """The q-value of ranges naming ``media_type``'s type exactly (wildcard */* ignored)."""
    return max((r.q for r in parse_accept(accept) if r.type != "*" and r.matches(media_type)), default=0.0)


def offered(kind: Kind) -> str:
    return ", ".join(f.media_type for f in FORMATS[kind])
