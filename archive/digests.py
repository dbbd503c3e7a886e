"""WARC digest values ("algo:encoded") as the tools that write them encode them."""

from __future__ import annotations

import base64
import binascii
import hashlib

# hashlib's own names; a tool's label is read in any case, with "-" or "_" or neither
# ("sha-1", "SHA1", "sha3-256"). Not shake_*: their digest has no fixed length.
_ALGOS = {variant: name for name in hashlib.algorithms_guaranteed if not name.startswith("shake")
          for variant in (name, name.replace("_", "-"), name.replace("_", ""))}
_ALGOS |= {f"{name[:3]}-{name[3:]}": name for name in ("sha1", "sha224", "sha256", "sha384",
                                                         "sha512")}


def sha1_base32(data: bytes) -> str:
    """``data``'s digest in the form warcio and Heritrix write: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _encodings(raw: bytes) -> set[str]:
    """base32 (warcio, Heritrix), hex, base64 and base64url (other tools), padded or not."""
    found = {base64.b32encode(raw).decode(), binascii.hexlify(raw).decode(),
             base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    return found | {c.rstrip("=") for c in found}


def _split(value: str) -> tuple[str | None, str]:
    """(hashlib name or None when unknown, encoded part) of a digest value."""
    algo, _, enc = value.partition(":")
    return _ALGOS.get(algo.strip().lower()), enc.strip()


def _matches(enc: str, raw: bytes) -> bool:
    found = _encodings(raw)
    return enc in found or enc.upper() in found or enc.lower() in found


def check_digest(value: str, data: bytes) -> bool | None:
    """True/False if `value` ("algo:encoded") matches `data`; None if the algorithm is unknown."""
    name, enc = _split(value)
    if ":" not in value or not name:
        return None
    return _matches(enc, hashlib.new(name, data).digest())


def same_digest(a: str, b: str) -> bool | None:
    """Whether two digest values name the same bytes' hash, whatever encoding each tool wrote
    (base32 and hex of one SHA-1 agree); None when that cannot be told (other algorithms,
    or a value that decodes as no known encoding)."""
    if a.strip() == b.strip():
        return True
    (name_a, enc_a), (name_b, enc_b) = _split(a), _split(b)
    if not name_a or name_a != name_b:
        return None
    raw = _decoded(enc_a, hashlib.new(name_a).digest_size)
    return None if raw is None else _matches(enc_b, raw)


def digests_conflict(a: str | None, b: str | None) -> bool:
    """Whether two digest values, both given, certainly name different bytes."""
    if not a or not b:
        return False
    return same_digest(a, b) is False


def _decoded(enc: str, size: int) -> bytes | None:
    """The raw digest `enc` encodes, tried as each encoding tools use (first that fits)."""
    tries = (lambda e: base64.b32decode(e + "=" * (-len(e) % 8), casefold=True),
             lambda e: bytes.fromhex(e),
             lambda e: base64.b64decode(e + "=" * (-len(e) % 4)),
             lambda e: base64.urlsafe_b64decode(e + "=" * (-len(e) % 4)))
    for decode in tries:
        try:
            raw = decode(enc)
        except (ValueError, binascii.Error):
            continue
        if len(raw) == size:
            return raw
    return None


ODD_DIGEST = b"*"  # digest_key of a value whose sameness only same_digest can tell


def digest_key(value: str | None) -> bytes | None:
    """An index key for a digest value, so an index finds the values ``same_digest`` takes
    for one by equality: the algorithm and the raw hash (b"sha1:" and 20 bytes) for a known
    algorithm in an encoding that reads as one hash whatever its letter case (base32, hex);
    ``ODD_DIGEST`` for any other value (base64, whose case-changed form is another hash; an
    unknown algorithm; a value no encoding reads): only ``same_digest`` can tell, so a search
    by key takes these too. None without a value."""
    if not value:
        return None
    name, enc = _split(value)
    if not name:
        return ODD_DIGEST
    size = hashlib.new(name).digest_size
    raw = _plain(enc, size)
    if raw is None:
        raws = {_decoded(v, size) for v in (enc, enc.upper(), enc.lower())}
        raw = raws.pop()
        if raws or raw is None or not _matches(enc, raw):
            return ODD_DIGEST
    return name.encode() + b":" + raw


_HEX = frozenset("0123456789abcdef")


def _plain(enc: str, size: int) -> bytes | None:
    """The hash base32 (warcio, Heritrix) or hex in one letter case encodes, read once (each
    record is keyed when indexed; the general way reads a value three times): the hash
    ``digest_key``'s general way finds, or None to take that way."""
    if enc.isupper() and len(enc) in (-(-size // 5) * 8, -(-size * 8 // 5)):
        try:
            raw = base64.b32decode(enc + "=" * (-len(enc) % 8))
        except (ValueError, binascii.Error):
            return None
        if len(raw) != size:
            return None
        # a hash of whole 5-byte groups has one base32 form; others have spare bits
        b32 = base64.b32encode(raw).decode() if size % 5 else enc
        return raw if enc in (b32, b32.rstrip("=")) else None
    low = enc.lower()
    if len(enc) == 2 * size and enc in (low, enc.upper()) and _HEX.issuperset(low):
        return bytes.fromhex(low)
    return None


def first_matching_prefix(value: str, data: bytes, cuts: list[int]) -> int | None:
    """The first of the ascending ``cuts`` at which ``value`` is the digest of ``data`` up
    to it, hashed once through (a block whose declared length is too large: where it ends);
    None when none matches or the algorithm is unknown."""
    name, enc = _split(value)
    if ":" not in value or not name:
        return None
    hasher, done = hashlib.new(name), 0
    for cut in cuts:
        hasher.update(memoryview(data)[done:cut])
        done = cut
        if _matches(enc, hasher.copy().digest()):
            return cut
    return None
