"""The query UI: YASGUI, served from ``api/static/yasgui`` (no CDN)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from starlette.staticfiles import StaticFiles

from api.examples import EXAMPLES, with_prefixes

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


def page(endpoint_path: str = "/sparql") -> str:
    examples = [{"title": title, "query": with_prefixes(query)} for title, query in EXAMPLES]
    options = "\n".join(
        f'<option value="{index}">{html.escape(item["title"])}</option>' for index, item in enumerate(examples)
    )
    # json.dumps output is safe inside <script> once "</" cannot close the element.
    data = json.dumps({"endpoint": endpoint_path, "examples": examples}, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>budgetkg SPARQL</title>
<link rel="stylesheet" href="{STATIC_PATH}/yasgui/yasgui.min.css">
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0 1rem; }}
  header {{ display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }}
  header h1 {{ font-size: 1.2rem; margin: .6rem 0; }}
</style>
</head>
<body>
<header>
  <h1>budgetkg SPARQL</h1>
  <label>示例查询 / Examples:
    <select id="examples"><option value="">—</option>
{options}
    </select>
  </label>
  <a href="{endpoint_path}" type="text/turtle" id="sd">service description</a>
</header>
<div id="yasgui"></div>
<script src="{STATIC_PATH}/yasgui/yasgui.min.js"></script>
<script>
const config = {data};
const endpoint = new URL(config.endpoint, window.location.href).href;
// Only local autocompleters: the class/property ones would call a remote service.
Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(
  (name) => name !== "class" && name !== "property");
Yasgui.Yasqe.defaults.value = config.examples[0].query;
const yasgui = new Yasgui(document.getElementById("yasgui"), {{
  requestConfig: {{ endpoint: endpoint, method: "POST" }},
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: {{ getData: () => [{{ endpoint: endpoint }}] }},
}});
document.getElementById("examples").addEventListener("change", (event) => {{
  const item = config.examples[Number(event.target.value)];
  if (!item) return;
  const tab = yasgui.getTab();
  tab.setQuery(item.query);
  tab.setName(item.title.split(" — ")[0]);
}});
</script>
</body>
</html>
"""
