"""mkto.errors: every documented Marketo error as data, the exceptions raised for them, and the parser
that turns an HTTP answer into one or the other. Depends on nothing else in mkto.

    from mkto.errors import Error1029, get, parse_response
    get("606").format(100, 20)   # "Max rate limit '100' exceeded with in '20' secs"

Every catalogue code has its exception class here by name (`Error401` ... `Error1080`, generated into
`_codes.py`); the hierarchy of their bases is drawn in `_exceptions.py`.
"""

from . import _codes, limits
from ._catalogue import (
    ADVICE_EN,
    ADVICE_ZH,
    CATALOGUE,
    Disposition,
    ErrorSpec,
    Level,
    Variant,
    all_specs,
    get,
    lookup,
)
from ._codes import *  # noqa: F403  (every ErrorNNN class; the names are in _codes.__all__)
from ._codes import CODE_CLASSES
from ._envelope import (
    MarketoResponse,
    RecordOutcome,
    error_class,
    error_from_code,
    parse_response,
    record_outcomes,
    server_time,
)
from ._exceptions import (
    MARKETO_TZ,
    AmbiguousOutcome,
    AuthError,
    BadCredentials,
    CallerError,
    ConcurrencyLimited,
    LimitError,
    MarketoError,
    NetworkError,
    PayloadTooLarge,
    QueueFull,
    QuotaExhausted,
    RateLimited,
    RecordError,
    RecordState,
    SizeError,
    TransientError,
    UriTooLong,
    base_for,
    next_reset,
)

__all__ = [
    "ADVICE_EN",
    "ADVICE_ZH",
    "CATALOGUE",
    "CODE_CLASSES",
    "MARKETO_TZ",
    "AmbiguousOutcome",
    "AuthError",
    "BadCredentials",
    "CallerError",
    "ConcurrencyLimited",
    "Disposition",
    "ErrorSpec",
    "Level",
    "LimitError",
    "MarketoError",
    "MarketoResponse",
    "NetworkError",
    "PayloadTooLarge",
    "QueueFull",
    "QuotaExhausted",
    "RateLimited",
    "RecordError",
    "RecordOutcome",
    "RecordState",
    "SizeError",
    "TransientError",
    "UriTooLong",
    "Variant",
    "all_specs",
    "base_for",
    "error_class",
    "error_from_code",
    "get",
    "limits",
    "lookup",
    "next_reset",
    "parse_response",
    "record_outcomes",
    "server_time",
]
__all__ += _codes.__all__
