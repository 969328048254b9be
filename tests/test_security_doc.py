"""docs/security.md backs each claim with a test: every test it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMED = re.compile(r"`(test_\w+)(?:::(test_\w+))?")


def test_every_test_named_in_the_security_document_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    named = NAMED.findall(text)
    assert len(named) > 30
    missing = []
    for module, function in named:
        path = ROOT / "tests" / f"{module}.py"
        if not path.exists():
            missing.append(module)
        elif function and not re.search(rf"^def {function}\(", path.read_text(encoding="utf-8"), re.M):
            missing.append(f"{module}::{function}")
    assert missing == []
