"""The README stays short and every link in it and in docs/ leads to a file that exists."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def local_links(text: str) -> list[str]:
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def test_the_readme_is_about_120_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 130


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_every_link_leads_to_a_file(doc):
    missing = [t for t in local_links(doc.read_text(encoding="utf-8")) if not (doc.parent / t).exists()]
    assert missing == []


def test_the_readme_links_every_doc():
    linked = {(ROOT / t).resolve() for t in local_links((ROOT / "README.md").read_text(encoding="utf-8"))}
    assert {d.resolve() for d in DOCS[1:]} - linked == set()


def test_the_link_check_can_fail():
    assert local_links("see [a](docs/a.md#x), [b](https://example.com) and [c](c.md)") == ["docs/a.md", "c.md"]
