"""Paging tokens: opaque base32 strings, like Marketo's (`BFRV7OMVSNJWDVKVTUFS3XHT4E======`).

A token carries the position after the last record returned (keyset paging, stable under inserts) and a
checksum of the query it belongs to. A token that does not decode, or belongs to another query, is answered
1001 "Invalid value '<token>'. Required of type 'nextPageToken'" (Marketo's wording for a bad token is not
documented; 1001 is its code for a parameter of the wrong form).
"""

from __future__ import annotations

import base64
import binascii
import zlib

from mkto.emulator._api import ApiError

TOKEN_TYPE = "nextPageToken"


def _scope_sum(kind: str, scope: str) -> str:
    return f"{zlib.crc32(f'{kind}|{scope}'.encode('utf-8', 'replace')):08x}"


def encode(kind: str, after: int, scope: str = "") -> str:
    """The token for the page that starts after key `after` of query `scope`."""
    raw = f"{kind}:{after}:{_scope_sum(kind, scope)}".encode("ascii")
    return base64.b32encode(raw).decode("ascii")


def decode(token: str, kind: str, scope: str = "") -> int:
    """The key a token resumes after; ApiError 1001 for a token this query did not hand out."""
    try:
        padded = token.strip() + "=" * (-len(token.strip()) % 8)
        tag, after, checksum = base64.b32decode(padded.upper()).decode("ascii").split(":")
        if tag != kind or checksum != _scope_sum(kind, scope) or not after.isdigit() or len(after) > 12:
            raise ValueError(token)
        return int(after)
    except (ValueError, binascii.Error, UnicodeError):
        raise ApiError("1001", token.encode("utf-8", "replace").decode("utf-8"), TOKEN_TYPE) from None
