"""What the dedup state remembers per article, and its compact binary form.

Why bytes and not JSON: the faust table, its changelog and the in-memory index hold one
record per article for the whole retention window (a week at a million articles a day
is seven million records). As JSON with a base64 signature a clean record took about
1.8 KB; packed it takes about 340 bytes (the 256-byte MinHash signature is most of it)
and a duplicate's record about 40 bytes (duplicates are never matched against, so they
keep no signature or features).

Layout (little-endian): a fixed head (flags, ts, similarity in 1/10,000, duplicate kind,
exact hash, shingle count, source key), the cluster id and, when it differs, the
``duplicate_of`` id (each a 16-byte raw form when it is 32 hex characters, as article
ids are, else length-prefixed UTF-8), three counts, then the number, name and title
feature hashes and the signature.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import NamedTuple

KINDS = (None, "exact", "update", "republication")
_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
_HEAD = struct.Struct("<BdHB8sHI")  # flags, ts, similarity, kind, exact, shingles, source
_COUNTS = struct.Struct("<BBB")
_LEN = struct.Struct("<H")
_HAS_SIM, _HAS_DUP, _DUP_IS_CLUSTER, _HAS_EXACT = 1, 2, 4, 8
_HEX_ID = re.compile(r"[0-9a-f]{32}")
_HEX_MARK = 0xFFFF
VERSION_BYTE = 0x20  # high bits of the flags byte: a future layout can tell itself apart
_VERSION_MASK = 0xF0


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One remembered article. A clean article keeps its fingerprint (signature and
    features); a duplicate keeps only its verdict, which a replay repeats."""

    cluster_id: str
    duplicate_of: str | None
    similarity: float | None
    exact: str
    signature: bytes
    ts: float
    duplicate_kind: str | None = None
    shingles: int = 0
    numbers: bytes = b""
    names: bytes = b""
    title: bytes = b""
    source: int = 0


def _encode_id(value: str) -> bytes:
    if _HEX_ID.fullmatch(value):
        return _LEN.pack(_HEX_MARK) + bytes.fromhex(value)
    raw = value.encode("utf-8")
    if len(raw) >= _HEX_MARK:
        raise ValueError("article id longer than 65,534 bytes")
    return _LEN.pack(len(raw)) + raw


def _decode_id(data: bytes, pos: int) -> tuple[str, int]:
    (n,) = _LEN.unpack_from(data, pos)
    pos += 2
    if n == _HEX_MARK:
        return data[pos : pos + 16].hex(), pos + 16
    return data[pos : pos + n].decode("utf-8"), pos + n


def encode_record(record: ArticleRecord) -> bytes:
    """The record as bytes for a table value (``value_serializer="raw"``)."""
    flags = VERSION_BYTE
    if record.similarity is not None:
        flags |= _HAS_SIM
    if record.exact:
        flags |= _HAS_EXACT
    tail = b""
    if record.duplicate_of is not None:
        flags |= _HAS_DUP
        if record.duplicate_of == record.cluster_id:
            flags |= _DUP_IS_CLUSTER
        else:
            tail = _encode_id(record.duplicate_of)
    for name in ("numbers", "names", "title"):
        if len(getattr(record, name)) > 510:
            raise ValueError(f"{name}: at most 255 feature hashes")
    head = _HEAD.pack(
        flags,
        record.ts,
        round((record.similarity or 0.0) * 10_000),
        _KIND_CODE[record.duplicate_kind],
        bytes.fromhex(record.exact) if record.exact else bytes(8),
        min(record.shingles, 0xFFFF),
        record.source,
    )
    counts = _COUNTS.pack(len(record.numbers) // 2, len(record.names) // 2, len(record.title) // 2)
    return b"".join(
        (head, _encode_id(record.cluster_id), tail, counts, record.numbers, record.names, record.title, record.signature)
    )


def _checked(data: bytes) -> bytes:
    """``data`` as bytes if it is a record of this layout, else ``ValueError`` (a value of
    another type, or state written by an older version, must be rebuilt, not misread)."""
    if type(data) is not bytes:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError(f"a dedup record is bytes, not {type(data).__name__}")
        data = bytes(data)
    if not data or data[0] & _VERSION_MASK != VERSION_BYTE:
        raise ValueError("not a dedup record of this layout")
    return data


def decode_record(data: bytes) -> ArticleRecord:
    """The inverse of :func:`encode_record`. Raises ``ValueError`` for anything else: a
    value of another type or layout (state written by an older version must be rebuilt,
    not misread), or truncated bytes."""
    data = _checked(data)
    try:
        return _decode(data)
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise ValueError(f"truncated or damaged dedup record: {exc}") from exc


class RecordHead(NamedTuple):
    """What a dedup look-up reads of every candidate before it knows which ones overlap:
    the time (is it live?), the shingle count (containment) and the signature. The rest
    (ids, verdict, features) is read with :func:`decode_record` for the few that overlap.
    A named tuple: built once per candidate per look-up, at a third of a frozen
    dataclass's cost."""

    ts: float
    shingles: int
    signature: bytes


_TS_SHINGLES = struct.Struct("<d11xH")  # ts at offset 1, shingles at 20 (see _HEAD)
_ID_AT = _HEAD.size  # the cluster id's length field


def decode_head(data: bytes) -> RecordHead:
    """The :class:`RecordHead` of an :func:`encode_record` value, equal to the same fields of
    :func:`decode_record`, without building the ids and feature slices a look-up mostly
    does not need. ``ValueError`` for a value of another type or layout, or truncated."""
    data = _checked(data)
    try:
        flags = data[0]
        ts, shingles = _TS_SHINGLES.unpack_from(data, 1)
        n = data[_ID_AT] | data[_ID_AT + 1] << 8  # the id lengths are little-endian uint16 (_LEN)
        pos = _ID_AT + 2 + (16 if n == _HEX_MARK else n)
        if flags & _HAS_DUP and not flags & _DUP_IS_CLUSTER:
            n = data[pos] | data[pos + 1] << 8
            pos += 2 + (16 if n == _HEX_MARK else n)
        pos += _COUNTS.size + 2 * (data[pos] + data[pos + 1] + data[pos + 2])
        if data[11] >= len(KINDS) or (len(data) - pos) % 2:  # as _decode
            raise IndexError("counts or kind out of range")
        return RecordHead(ts, shingles, data[pos:])
    except (struct.error, IndexError) as exc:
        raise ValueError(f"truncated or damaged dedup record: {exc}") from exc


# A clean record whose cluster id is a 32-hex article id (the common candidate): flags
# without _HAS_DUP, the id's length field 0xFFFF, so its counts sit at a fixed offset.
_CLEAN_MASK = _VERSION_MASK | _HAS_DUP
_COUNTS_AT = _ID_AT + 2 + 16
_FIXED_MIN = _COUNTS_AT + _COUNTS.size


def decode_heads(values: list[bytes | None]) -> list[RecordHead | None]:
    """:func:`decode_head` of many values (None stays None), equal to it value for value
    (``ValueError`` alike). A look-up reads the heads of a few dozen candidates per article;
    the common record (clean, hex id, bytes) is read inline here without a call per value."""
    out: list[RecordHead | None] = []
    append = out.append
    unpack = _TS_SHINGLES.unpack_from
    for data in values:
        if data is None:
            append(None)
        elif (
            type(data) is bytes
            and len(data) >= _FIXED_MIN
            and data[0] & _CLEAN_MASK == VERSION_BYTE
            and data[_ID_AT] == 0xFF
            and data[_ID_AT + 1] == 0xFF
            and data[11] < len(KINDS)
        ):
            pos = _FIXED_MIN + 2 * (data[_COUNTS_AT] + data[_COUNTS_AT + 1] + data[_COUNTS_AT + 2])
            if (len(data) - pos) % 2:
                append(decode_head(data))  # raises as decode_head does
            else:
                ts, shingles = unpack(data, 1)
                append(RecordHead(ts, shingles, data[pos:]))
        else:
            append(decode_head(data))
    return out


def _decode(data: bytes) -> ArticleRecord:
    flags, ts, sim, kind, exact, shingles, source = _HEAD.unpack_from(data)
    cluster, pos = _decode_id(data, _HEAD.size)
    duplicate_of: str | None = None
    if flags & _HAS_DUP:
        if flags & _DUP_IS_CLUSTER:
            duplicate_of = cluster
        else:
            duplicate_of, pos = _decode_id(data, pos)
    n_num, n_names, n_title = _COUNTS.unpack_from(data, pos)
    pos += _COUNTS.size
    if kind >= len(KINDS) or (len(data) - pos - 2 * (n_num + n_names + n_title)) % 2:
        raise IndexError("counts or kind out of range")
    numbers = data[pos : pos + 2 * n_num]
    pos += 2 * n_num
    names = data[pos : pos + 2 * n_names]
    pos += 2 * n_names
    title = data[pos : pos + 2 * n_title]
    pos += 2 * n_title
    return ArticleRecord(
        cluster_id=cluster,
        duplicate_of=duplicate_of,
        similarity=sim / 10_000 if flags & _HAS_SIM else None,
        exact=exact.hex() if flags & _HAS_EXACT else "",
        signature=data[pos:],
        ts=ts,
        duplicate_kind=KINDS[kind],
        shingles=shingles,
        numbers=numbers,
        names=names,
        title=title,
        source=source,
    )
