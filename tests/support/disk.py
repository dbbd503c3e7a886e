"""Real small filesystems for full-disk and read-only tests (tmpfs; needs root, else skip)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(where: Path, size: str = "64k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``where`` (created) for the block; skips the test when
    it cannot be mounted (not root, no mount namespace)."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the filesystem of ``folder`` up with one file (returned: delete it to free it),
    leaving ``leave`` bytes (whole 4 KiB pages) free."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh, pytest.raises(OSError, match="No space"):
        while True:
            fh.write(b"\0" * 4096)
    os.truncate(filler, filler.stat().st_size - leave)
    return filler


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def resize(where: Path, size: str) -> None:
    """Give a tmpfs mounted by :func:`tmpfs` more room (its files stay): space freed."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(where)], check=True)


def use_up_inodes(folder: Path) -> int:
    """Create empty files in ``folder`` until its filesystem has no inode left (its bytes
    stay free: ``df`` shows room, yet no file can be created); how many it took."""
    made = 0
    with pytest.raises(OSError, match="No space"):
        while True:
            (folder / f"inode-{made}").touch()
            made += 1
    return made
