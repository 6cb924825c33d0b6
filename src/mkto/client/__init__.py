"""mkto.client: a Marketo REST client that handles every documented error and never exceeds the limits.

    from mkto.client import Client
    with Client.from_env() as mkto:
        outcomes = mkto.leads.sync([{"email": "a@example.com", "firstName": "Ada"}])

Layers (each its own private module): sizing (`_sizing`) → limits (`_limits`) → token (`_auth`) →
send → classify (`mkto.errors.parse_response`) → retry decision (`_policy.decide`), all composed once in
the sans-IO `_core` and driven by the `Client` (threads) and `AsyncClient` (asyncio) shells.
"""

from mkto.errors import NetworkError
from mkto.errors.limits import (
    MAX_BATCH_RECORDS,
    MAX_BODY_BYTES,
    MAX_FILTER_VALUES,
    MAX_IMPORT_BYTES,
    MAX_URI_BYTES,
)

from ._bulk import AsyncBulk, Bulk, BulkJobFailed, BulkTimeout, BulkWait, ChecksumMismatch, ExtractResult, ImportResult
from ._client import AsyncClient, Client
from ._config import Limits, RetryPolicy, Timeouts
from ._core import FileNotAvailable
from ._limits import (
    Denied,
    Grant,
    InProcessLimiterBackend,
    LimiterBackend,
    Quota,
    RedisLimiterBackend,
    SqliteLimiterBackend,
)
from ._logging import LOGGER_NAME, redact_text
from ._objects import Assets, AsyncAssets, AsyncDedupeObjects, AsyncProgramMembers, DedupeObjects, ProgramMembers
from ._policy import Action, Decision, decide, full_jitter, is_ambiguous
from ._resources import AsyncLeads, AsyncPageIterator, AsyncUsage, Leads, PageIterator, Usage

__all__ = [
    "LOGGER_NAME",
    "MAX_BATCH_RECORDS",
    "MAX_BODY_BYTES",
    "MAX_FILTER_VALUES",
    "MAX_IMPORT_BYTES",
    "MAX_URI_BYTES",
    "Action",
    "Assets",
    "AsyncAssets",
    "AsyncBulk",
    "AsyncClient",
    "AsyncDedupeObjects",
    "AsyncLeads",
    "AsyncPageIterator",
    "AsyncProgramMembers",
    "AsyncUsage",
    "Bulk",
    "BulkJobFailed",
    "BulkTimeout",
    "BulkWait",
    "ChecksumMismatch",
    "Client",
    "Decision",
    "DedupeObjects",
    "Denied",
    "ExtractResult",
    "FileNotAvailable",
    "Grant",
    "ImportResult",
    "InProcessLimiterBackend",
    "Leads",
    "LimiterBackend",
    "Limits",
    "NetworkError",
    "PageIterator",
    "ProgramMembers",
    "Quota",
    "RedisLimiterBackend",
    "RetryPolicy",
    "SqliteLimiterBackend",
    "Timeouts",
    "Usage",
    "decide",
    "full_jitter",
    "is_ambiguous",
    "redact_text",
]
