"""Per-site memory of repeated short paragraphs (crawler.extraction.site_boilerplate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extraction.site_boilerplate import SiteBoilerplate, paragraph_key, site_key

TYPO = "Нашли опечатку? Выделите её и нажмите Ctrl+Enter"


def _article(n: int) -> list[str]:
    return [f"Paragraph one of article {n}, with its own words and numbers: {n * 7}.",
            f"Paragraph two of article {n} goes on about something else entirely.", TYPO]


def test_a_line_repeated_on_enough_other_pages_goes() -> None:
    memory = SiteBoilerplate(min_pages=2)
    outputs = [memory.filter(f"https://www.example.by/news/{n}", _article(n)) for n in range(4)]
    assert [TYPO in out for out in outputs] == [True, True, False, False]
    assert outputs[3] == _article(3)[:2]


def test_sites_are_apart_and_www_is_the_same_site() -> None:
    memory = SiteBoilerplate(min_pages=1)
    memory.filter("https://www.example.by/a", _article(1))
    assert TYPO in memory.filter("https://other.by/b", _article(2))
    assert TYPO not in memory.filter("https://example.by/c", _article(3))
    assert site_key("https://WWW.Example.by:8080/x") == "example.by"


def test_a_page_seen_again_counts_once() -> None:
    memory = SiteBoilerplate(min_pages=2)
    for _ in range(5):
        assert TYPO in memory.filter("https://example.by/a", _article(1), page_id="a")
    assert TYPO in memory.filter("https://example.by/b", _article(2), page_id="b")


def test_long_paragraphs_and_whole_pages_are_kept() -> None:
    long = "A long paragraph that two pages share, as agencies do with background. " * 6
    memory = SiteBoilerplate(min_pages=1, max_chars=300)
    memory.filter("https://example.by/a", [long, TYPO])
    assert memory.filter("https://example.by/b", [long, "New text."]) == [long, "New text."]
    # a page made only of common lines is returned whole, not emptied
    assert memory.filter("https://example.by/c", [TYPO]) == [TYPO]


def test_keys_ignore_spacing_punctuation_and_case() -> None:
    assert paragraph_key("Нашли  опечатку?  ВЫДЕЛИТЕ её…") == paragraph_key("нашли опечатку выделите её")


def test_memory_per_site_is_bounded() -> None:
    memory = SiteBoilerplate(min_pages=1, max_keys=10)
    for n in range(50):
        memory.filter(f"https://example.by/{n}", [f"Line number {n}."])
    assert len(memory._counts["example.by"]) == 10
    assert len(memory._pages["example.by"]) == 10


def test_min_pages_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SiteBoilerplate(min_pages=0)


def test_at_the_cap_the_keys_counted_are_the_first_in_page_order_whatever_the_hash_seed() -> None:
    """The keys of a page were counted in a set's order: at the cap, which ones were counted
    (so which lines later pages lost) changed with PYTHONHASHSEED from run to run."""
    import subprocess
    import sys

    script = ("from crawler.extraction.site_boilerplate import SiteBoilerplate, paragraph_key\n"
              "m = SiteBoilerplate(min_pages=1, max_keys=5)\n"
              "lines = [f'Line {w} of the page.' for w in 'abcdefghijklmnopqrst']\n"
              "m.filter('https://example.by/1', lines)\n"
              "print(sorted(lines.index(l) for l in lines\n"
              "             if paragraph_key(l) in m._counts['example.by']))\n")
    repo = Path(__file__).resolve().parents[3]
    runs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, cwd=repo, env={"PYTHONHASHSEED": str(seed)}).stdout
            for seed in range(6)}
    assert runs == {"[0, 1, 2, 3, 4]\n"}, runs
