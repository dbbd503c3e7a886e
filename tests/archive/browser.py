"""Headless Chromium (Debian's ``chromium``, installed by ``bin/setup --dev``) for checking what
a page shows: the DOM after parsing, the printed text, and the colours of the printed pixels."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_tools() -> None:
    missing = [name for name, path in [("chromium", CHROMIUM),
                                       ("pdftotext", shutil.which("pdftotext")),
                                       ("pdftoppm", shutil.which("pdftoppm"))] if not path]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (bin/setup --dev installs chromium "
                    "and poppler-utils from Debian)")


def _chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=True)


def dump_dom(page: Path, tmp: Path) -> str:
    """The DOM as Chromium built it (scripts, had any run, would have changed it)."""
    return _chromium(page, tmp, "--dump-dom").stdout


def print_pdf(page: Path, tmp: Path) -> Path:
    pdf = tmp / (page.stem + ".pdf")
    _chromium(page, tmp, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.stat().st_size > 0
    return pdf


def pdf_text(pdf: Path) -> str:
    """What a reader sees, whitespace collapsed."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return " ".join(out.split())


def count_colour(pdf: Path, rgb: tuple[int, int, int], tolerance: int = 24,
                 dpi: int = 50) -> int:
    """Pixels of every printed page within ``tolerance`` of ``rgb`` (pages read as PPM)."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=60)
    total = 0
    for page in sorted(pdf.parent.glob(prefix.name + "-*.ppm")):
        total += _count_in_ppm(page.read_bytes(), rgb, tolerance)
    return total


def _count_in_ppm(data: bytes, rgb: tuple[int, int, int], tolerance: int) -> int:
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval (binary P6, no comments from poppler)
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    pixels = data[pos + 1:]
    return sum(1 for i in range(0, len(pixels) - 2, 3)
               if all(abs(pixels[i + c] - rgb[c]) <= tolerance for c in range(3)))
