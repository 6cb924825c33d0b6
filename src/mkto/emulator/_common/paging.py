"""Paging tokens, the one codec every area uses: opaque base32 strings, like Marketo's
(`BFRV7OMVSNJWDVKVTUFS3XHT4E======`).

A token carries its kind and the key after the last record returned (keyset paging, stable under inserts),
and for a scoped query a checksum of the query it belongs to: `<kind>:<after>:<crc32 of kind|scope>`. An
unscoped token (`scope=None`, Get Export Jobs) is `<kind>:<after>`. A token that does not decode, or belongs
to another query, is answered 1001 "Invalid value '<token>'. Required of type 'nextPageToken'" (Marketo's
wording for a bad token is not documented; 1001 is its code for a parameter of the wrong form).

    token = paging.encode("leads", 1042, scope)     # the page after lead 1042 of this query
    after = paging.decode(token, "leads", scope)    # 1042, or ApiError 1001
"""

from __future__ import annotations

import base64
import binascii
import zlib

from mkto.emulator._api import ApiError

TOKEN_TYPE = "nextPageToken"
MAX_KEY_DIGITS = 12


def _scope_sum(kind: str, scope: str) -> str:
    return f"{zlib.crc32(f'{kind}|{scope}'.encode('utf-8', 'replace')):08x}"


def encode(kind: str, after: int, scope: str | None = "") -> str:
    """The token for the page that starts after key `after` of query `scope` (None: a token without a scope)."""
    parts = [kind, str(after)] if scope is None else [kind, str(after), _scope_sum(kind, scope)]
    return base64.b32encode(":".join(parts).encode("ascii")).decode("ascii")


def decode(token: str, kind: str, scope: str | None = "") -> int:
    """The key a token resumes after; ApiError 1001 for a token this query did not hand out."""
    try:
        padded = token.strip() + "=" * (-len(token.strip()) % 8)
        parts = base64.b32decode(padded.upper()).decode("ascii").split(":")
        expected = [kind] if scope is None else [kind, _scope_sum(kind, scope)]
        if len(parts) != len(expected) + 1:
            raise ValueError(token)
        tag, after, *checksum = parts
        if [tag, *checksum] != expected or not after.isdigit() or len(after) > MAX_KEY_DIGITS:
            raise ValueError(token)
        return int(after)
    except (ValueError, binascii.Error, UnicodeError):
        raise ApiError("1001", token.encode("utf-8", "replace").decode("utf-8"), TOKEN_TYPE) from None
