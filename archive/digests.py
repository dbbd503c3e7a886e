"""WARC digest values ("algo:encoded") as the tools that write them encode them."""

from __future__ import annotations

import base64
import binascii
import hashlib

_ALGOS = {"sha1": "sha1", "sha256": "sha256", "sha512": "sha512", "md5": "md5"}


def check_digest(value: str, data: bytes) -> bool | None:
    """True/False if `value` ("algo:encoded") matches `data`; None if the algorithm is unknown."""
    if ":" not in value:
        return None
    algo, enc = value.split(":", 1)
    name = _ALGOS.get(algo.strip().lower())
    if not name:
        return None
    raw = hashlib.new(name, data).digest()
    enc = enc.strip()
    # base32 (warcio, Heritrix), hex, base64 and base64url (other tools), padded or not
    candidates = {base64.b32encode(raw).decode(), binascii.hexlify(raw).decode(),
                  base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    candidates |= {c.rstrip("=") for c in candidates}
    return enc in candidates or enc.upper() in candidates or enc.lower() in candidates
