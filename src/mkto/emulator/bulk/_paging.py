"""Paging tokens for Get Export Jobs: opaque base32 strings like Marketo's. A token that does not decode is
1001 "Invalid value '<token>'. Required of type 'nextPageToken'", as for the lead endpoints."""

from __future__ import annotations

import base64
import binascii

from mkto.emulator._api import ApiError

KIND = "bulkjobs"


def encode(after: int) -> str:
    return base64.b32encode(f"{KIND}:{after}".encode("ascii")).decode("ascii")


def decode(token: str) -> int:
    try:
        padded = token.strip() + "=" * (-len(token.strip()) % 8)
        tag, after = base64.b32decode(padded.upper()).decode("ascii").split(":")
        if tag != KIND or not after.isdigit() or len(after) > 12:
            raise ValueError(token)
        return int(after)
    except (ValueError, binascii.Error, UnicodeError):
        raise ApiError("1001", token.encode("utf-8", "replace").decode("utf-8"), "nextPageToken") from None
