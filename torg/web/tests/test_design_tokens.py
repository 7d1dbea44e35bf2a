"""Every Designsystemet token our CSS and templates use is defined by the vendored Designsystemet.

An undefined custom property makes `fill`/`background` fall back to its initial value (black for
SVG fills), which is how chart tracks once turned black."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "torg" / "web" / "static" / "vendor" / "designsystemet"
USED = re.compile(r"var\(\s*(--ds-[a-z0-9-]+)")
DEFINED = re.compile(r"(--ds-[a-z0-9-]+)\s*:")


def _ours():
    for path in (ROOT / "torg").rglob("*"):
        if path.suffix in (".css", ".html") and "vendor" not in path.parts:
            yield path


def test_every_designsystemet_token_we_use_exists():
    defined = set()
    for css in VENDOR.rglob("*.css"):
        defined |= set(DEFINED.findall(css.read_text(encoding="utf-8")))
    if not defined:
        pytest.fail(f"no Designsystemet CSS under {VENDOR}: run `make assets`")
    missing = sorted({(str(p.relative_to(ROOT)), token) for p in _ours()
                      for token in USED.findall(p.read_text(encoding="utf-8")) if token not in defined})
    assert missing == []
