"""Lead field values: what Marketo accepts for each field type, and the stored (JSON-native) form.

Real rejections (recordings/grouparoo.json, 2020-2021), each answered as record-level 1003
"Invalid value for field '<f>' and value '<v>'": email 'bademail', integer 14.1, float '14c',
datetime 'yesterday', percent '100%', boolean 'other'. Accepted in the same traffic: datetime
'2020-08-30T05:49:48.000Z' (read back as '2020-08-30T05:49:48Z'), date '2020-08-30', percent 99,
currency 34.66, score 10, null for every type (clears the field; a cleared boolean reads back false).

Chosen where the recordings are silent: booleans also take "true"/"false"/"yes"/"no"/"1"/"0" and 0/1; integers
take integral floats (14.0) and digit strings within 32 bits; numbers may be strings ("5.4"); string, phone and
url fields take any text within their length (numbers become text); email is ASCII (leads.md) with one "@".
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from mkto.emulator._common.schema import MAX_TEXT_BYTES, Field

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class InvalidValue(ValueError):
    """The value does not fit the field's type."""


def show(value: Any) -> str:
    """A value as Marketo prints it inside an error message: '14.1', 'other', 'true'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = repr(value)
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot go back on the wire


def storable_text(value: str) -> bool:
    """Text every supported database can store: no NUL (PostgreSQL) and valid UTF-8 (no lone surrogates)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_TEXT_KINDS = frozenset({"string", "phone", "url"})  # any text within the field's length
_LONG_TEXT_KINDS = frozenset({"text", "textarea"})  # any text within MAX_TEXT_BYTES


def plain_text_limit(field: Field) -> int:
    """The length up to which `coerce` stores a non-empty ASCII text without NUL for `field` as it is: any text
    field's length (MAX_TEXT_BYTES for a long text); -1 for the other kinds, whose text is checked further.
    A batch that writes many records looks this up once per field and skips `coerce` for such values."""
    if field.data_type in _TEXT_KINDS:
        return MAX_TEXT_BYTES if field.length is None else field.length
    if field.data_type in _LONG_TEXT_KINDS:
        return MAX_TEXT_BYTES
    return -1


def coerce(field: Field, value: Any) -> Any:
    """The stored form of `value` for `field`, or InvalidValue. None and "" clear the field."""
    if value is None or value == "":
        return None
    if type(value) is str and value.isascii() and "\x00" not in value:
        # The common case first: ASCII text is storable, and its length in bytes is its length.
        if len(value) <= plain_text_limit(field):
            return value
        fits = field.length is None or len(value) <= field.length
        if field.data_type == "email" and fits and _EMAIL.fullmatch(value):
            return value
    if isinstance(value, str) and not storable_text(value):
        raise InvalidValue(value)
    kind = field.data_type
    if kind in ("integer", "score", "percent", "reference"):
        return _integer(value)
    if kind in ("float", "currency"):
        return _float(value)
    if kind == "boolean":
        return _boolean(value)
    if kind == "datetime":
        return format_datetime(parse_datetime(value))
    if kind == "date":
        return _date(value)
    text = _text(value)
    if kind == "email" and not (text.isascii() and _EMAIL.fullmatch(text)):
        raise InvalidValue(value)
    if kind in ("text", "textarea"):
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise InvalidValue(value)
    elif field.length is not None and len(text) > field.length:
        raise InvalidValue(value)
    return text


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidValue(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise InvalidValue(value)
    if not INT32_MIN <= number <= INT32_MAX:
        raise InvalidValue(value)
    return number


def _float(value: Any) -> float | int:
    if isinstance(value, bool):
        raise InvalidValue(value)
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise InvalidValue(value)
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
        number = float(value.strip())
    else:
        raise InvalidValue(value)
    if not math.isfinite(number):
        raise InvalidValue(value)
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
    raise InvalidValue(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    raise InvalidValue(value)


def _date(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue(value)
    text = value.strip()
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidValue(value) from None
    return parse_datetime(value).date().isoformat()


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO-8601 / W3C datetime (date alone, minutes, seconds, fractions, Z or offset) as aware UTC.

    A value without an offset is taken as UTC (Marketo would use the instance's time zone).
    """
    if not isinstance(value, str) or not _DATETIME.fullmatch(value.strip()):
        raise InvalidValue(value)
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise InvalidValue(value) from None


def format_datetime(moment: dt.datetime) -> str:
    """Marketo's Lead Database timestamp: `2021-11-23T22:57:18Z`."""
    m = moment.astimezone(dt.UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"
