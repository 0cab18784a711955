"""The query UI: YASGUI, served from ``api/static/yasgui`` (no CDN); the page is ``ui/sparql.html``."""

from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles

from api.examples import EXAMPLES, with_prefixes
from api.templating import render

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


def page(endpoint_path: str = "/sparql") -> str:
    examples = [{"title": title, "query": with_prefixes(query)} for title, query in EXAMPLES]
    return str(render("ui/sparql.html", static=STATIC_PATH, config={"endpoint": endpoint_path, "examples": examples}))
