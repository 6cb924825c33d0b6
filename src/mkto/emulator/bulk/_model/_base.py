"""What every part of the bulk model shares: limits, virtual durations, formats, job kinds and states, the
clock conversions, and the instance setting for unsupported extract filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mkto.emulator._common.values import format_datetime
from mkto.errors.limits import BULK_QUEUE_SIZE, BULK_RUNNING_JOBS, MAX_BATCH_RECORDS

# --- limits (bulk-import.md, bulk-extract.md) -------------------------------------------------------------
IMPORT_SLOTS = BULK_RUNNING_JOBS
IMPORT_QUEUE_LIMIT = BULK_QUEUE_SIZE  # including the running ones
EXPORT_SLOTS = BULK_RUNNING_JOBS
EXPORT_QUEUE_LIMIT = BULK_QUEUE_SIZE  # including the processing ones
MAX_FILTER_DAYS = 31
BYTES_PER_MB = 1_048_576
LEADS_PER_SYNC = MAX_BATCH_RECORDS

# --- virtual durations (ours) -------------------------------------------------------------------------------
IMPORT_START_DELAY_S = 10.0
IMPORT_BASE_S = 30.0
IMPORT_ROWS_PER_S = 1_000
EXPORT_START_DELAY_S = 10.0
EXPORT_BASE_S = 60.0
EXPORT_RECORDS_PER_S = 10_000

IMPORT_FORMATS = ("csv", "tsv", "ssv")
EXPORT_FORMATS = ("CSV", "TSV", "SSV")
LEAD_FILTERS = ("createdAt", "updatedAt", "staticListName", "staticListId", "smartListName", "smartListId")
DATE_FILTERS = ("createdAt", "updatedAt")
UNSUPPORTED_FILTERS_SETTING = "bulk_extract_unsupported_filters"
DEFAULT_UNSUPPORTED_FILTERS = ("updatedAt", "smartListId", "smartListName")

# Job kinds: the path segment after /bulk/v1/ ("customobjects/" + the type's API name for custom objects).
LEADS, PROGRAM_MEMBERS, ACTIVITIES, CUSTOM_OBJECTS = "leads", "program/members", "activities", "customobjects/"
QUEUED, IMPORTING, COMPLETE = "Queued", "Importing", "Complete"
IMPORT_PENDING = "Pending"  # stored only: the queue finished the import, its rows are still being processed
CREATED, PROCESSING, COMPLETED, CANCELLED = "Created", "Processing", "Completed", "Cancelled"
FAILURE_COLUMN = "Import Failure Reason"
WARNING_COLUMN = "Import Warning Reason"

Record = dict[str, Any]


def to_epoch(now: dt.datetime) -> float:
    return now.timestamp()


def from_epoch(epoch: float) -> str:
    return format_datetime(dt.datetime.fromtimestamp(epoch, dt.UTC))


# --- settings ---------------------------------------------------------------------------------------------------


def unsupported_filters(settings: Mapping[str, Any]) -> frozenset[str]:
    """Lead extract filters this subscription lacks (1035): the instance setting (`PUT /_mkto/settings`
    {"bulk_extract_unsupported_filters": [...]}), by default updatedAt and the smart-list filters."""
    names = settings.get(UNSUPPORTED_FILTERS_SETTING, DEFAULT_UNSUPPORTED_FILTERS)
    return frozenset(str(n) for n in names) if isinstance(names, list | tuple) else frozenset()
