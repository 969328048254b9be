"""The layers import one way: bot -> handlers / scheduler -> services -> models / domain.

`messaging` (the neutral values and the Sender interface) and `locales` (text) are the vocabulary
every layer may use; they import nothing of ours. Only `bot` knows Flask and the platform SDKs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"bot", "handlers", "scheduler", "services", "models", "domain", "messaging", "locales"}
VOCABULARY = {"messaging", "locales"}
ALLOWED = {
    "bot": OURS,
    "handlers": {"handlers", "services", "models", "domain"} | VOCABULARY,
    "scheduler": {"scheduler", "services", "models", "domain"} | VOCABULARY,
    "services": {"services", "models", "domain"} | VOCABULARY,
    "models": {"models", "domain"},
    "domain": {"domain"},
    "messaging": {"messaging"},
    "locales": {"locales"},
}
PLATFORM = {"flask", "werkzeug", "linebot", "telegram", "gunicorn", "click"}
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "versions" not in p.parts)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package):
    wrong = {}
    for path in _modules(package):
        ours = _imports(path) & OURS
        if package != "bot" and (forbidden := ours - ALLOWED[package]):
            wrong[str(path.relative_to(ROOT))] = sorted(forbidden)
    assert not wrong, f"{package} may import only {sorted(ALLOWED[package])}: {wrong}"


@pytest.mark.parametrize("package", sorted(set(ALLOWED) - {"bot"}))
def test_only_the_composition_root_knows_the_web_and_the_platforms(package):
    wrong = {str(p.relative_to(ROOT)): sorted(_imports(p) & PLATFORM) for p in _modules(package)
             if _imports(p) & PLATFORM}
    assert not wrong


def test_the_check_would_see_a_wrong_import(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("from bot.config import Config\nimport telegram.error\n", encoding="utf-8")
    assert _imports(module) == {"bot", "telegram"}


def test_no_module_is_over_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in (*ALLOWED, "tests", "bench") for p in _modules(package)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these into smaller modules: {long}"
