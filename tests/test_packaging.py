"""Packaging: the built wheel, installed into a fresh venv, runs.

An editable install hides packaging mistakes (the source tree is on the path),
so these tests build a wheel from a copy of the tree, install it with its
dependencies into a new venv and run the installed ``budgetkg`` from outside
the checkout: it ingests a seed, and a PDF it generated itself (fpdf2 and the
CJK font to write it, pypdfium2 to read it). Slow (about 25 s here: build 3 s,
venv 4 s, install 10 s with pip's cache warm, each ingest 2 s), marked
``slow``, and part of ``scripts/test``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, seed

pytestmark = pytest.mark.slow

# Top-level packages the project ships (pyproject: [tool.setuptools.packages.find]).
_PACKAGES = ("kg", "api", "ontology", "shapes")
# What the build must not see: it would ship or slow the copy, and is not the project.
_NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", "test-artifacts", "store", ".pytest_cache")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    source: Path  # the copy the wheel was built from

    @property
    def budgetkg(self) -> Path:
        return self.venv / "bin" / "budgetkg"


def _run(command: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _check(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("packaging")
    # A copy: building in the checkout writes build/ and *.egg-info there, under other people's feet.
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCE)
    dist = root / "dist"
    _check(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source], cwd=root))
    (wheel,) = dist.glob("budgetkg-*.whl")
    venv = root / "venv"
    _check(_run([sys.executable, "-m", "venv", venv], cwd=root))
    _check(_run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=root))
    return Installed(wheel, venv, source)


def _shipped_by_source(source: Path) -> set[str]:
    """Every file of the source tree a wheel must carry: modules, ontology and shapes, the server's assets."""
    wanted: set[str] = set()
    for package in _PACKAGES:
        for path in (source / package).rglob("*"):
            relative = path.relative_to(source).as_posix()
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix in (".py", ".ttl") or relative.startswith(("api/static/", "api/templates/")):
                wanted.add(relative)
    return wanted


def test_wheel_carries_every_module_and_data_file(installed: Installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    wanted = _shipped_by_source(installed.source)
    assert {"kg/extract/budget_tables.py", "ontology/budgetkg.ttl", "shapes/identities.ttl"} <= wanted
    assert wanted - names == set()


def test_installed_command_imports_from_the_venv_not_the_checkout(installed: Installed, tmp_path: Path):
    result = _check(_run([installed.venv / "bin" / "python", "-c", "import kg, kg.cli; print(kg.__file__)"], cwd=tmp_path))
    assert Path(result.stdout.strip()).is_relative_to(installed.venv)


def _figure_count(installed: Installed, store: Path, document_id: str, cwd: Path) -> int:
    query = "SELECT (COUNT(?figure) AS ?n) WHERE { GRAPH <http://127.0.0.1:8000/graph/" + document_id + "> { ?figure a bkg:BudgetFigure } }"
    result = _check(_run([installed.budgetkg, "query", "--store", store, query, "--format", "tsv"], cwd=cwd))
    return int(result.stdout.split()[-1].split("^^")[0].strip('"'))


def test_installed_budgetkg_ingests_a_seed(installed: Installed, tmp_path: Path):
    document = seed("001")
    store = tmp_path / "store"
    result = _run([installed.budgetkg, "ingest", document, "--store", store, "--workers", "1", "--quiet"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 of 1 documents ingested" in result.stdout
    # The figures of its standard tables, read back through the installed command.
    assert _figure_count(installed, store, document.stem, tmp_path) > 500


def test_installed_budgetkg_generates_and_ingests_a_pdf(installed: Installed, tmp_path: Path):
    corpus = tmp_path / "corpus"
    _check(_run([installed.budgetkg, "generate", "--units", "1", "--years", "1", "--out", corpus, "--format", "pdf"], cwd=tmp_path))
    (pdf,) = corpus.glob("*.pdf")
    store = tmp_path / "store"
    result = _run([installed.budgetkg, "ingest", pdf, "--store", store, "--workers", "1", "--quiet"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 of 1 documents ingested" in result.stdout
    assert _figure_count(installed, store, pdf.stem, tmp_path) > 40
