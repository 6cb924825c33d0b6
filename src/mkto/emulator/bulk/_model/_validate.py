"""Bulk extract requests: the checks on format, fields and filter of each kind, and the spec a job stores."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator import customobjects as co
from mkto.emulator._api import ApiError
from mkto.emulator._common.schema import Schema
from mkto.emulator._common.tables import program_members
from mkto.emulator._common.values import InvalidValue, format_datetime, parse_datetime, show
from mkto.emulator._params import parse_id
from mkto.emulator.bulk._model._base import CUSTOM_OBJECTS, DATE_FILTERS, EXPORT_FORMATS, LEAD_FILTERS, MAX_FILTER_DAYS
from mkto.emulator.bulk._model._sources import (
    ACTIVITY_FIELDS,
    ACTIVITY_OPTIONAL_FIELDS,
    MAX_PRIMARY_ATTRIBUTE_VALUES,
    MAX_PROGRAM_IDS,
    MEMBER_COLUMNS,
)


def _date(value: Any) -> dt.datetime:
    """A filter date: a string that is no date is 704 "Invalid date format" (error-codes.md); a date that is
    missing or not a string is 1003."""
    if not isinstance(value, str):
        raise ApiError("1003")
    try:
        return parse_datetime(value)
    except InvalidValue:
        raise ApiError("704") from None


def _validate_filter(db: Connection, flt: Any, unsupported: frozenset[str]) -> dict[str, Any]:
    if flt is None:
        raise ApiError("1002", "filter")
    if not isinstance(flt, dict) or len(flt) != 1:
        raise ApiError("1003")
    [(kind, value)] = flt.items()
    if kind not in LEAD_FILTERS:
        raise ApiError("1003")
    if kind in unsupported:
        raise ApiError("1035")
    if kind in DATE_FILTERS:
        if not isinstance(value, dict):
            raise ApiError("1003")
        start, end = _date(value.get("startAt")), _date(value.get("endAt"))
        if end < start or end - start > dt.timedelta(days=MAX_FILTER_DAYS):
            raise ApiError("1003")
        return {kind: {"startAt": format_datetime(start), "endAt": format_datetime(end)}}
    if kind in ("staticListId", "smartListId"):
        list_id = parse_id(value)
        if list_id is None:
            raise ApiError("1003")
        return {kind: list_id}
    if not isinstance(value, str) or not value:
        raise ApiError("1003")
    return {kind: value}


def validate_lead_export(db: Connection, body: Any, unsupported: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The stored spec (fields, columnHeaderNames, filter) and format of a lead extract, or ApiError."""
    if not isinstance(body, dict):
        body = {}
    fmt = body.get("format", "CSV")
    if not isinstance(fmt, str) or fmt.upper() not in EXPORT_FORMATS:
        raise ApiError("1003")
    fields = body.get("fields")
    if fields is None or fields == []:
        raise ApiError("1002", "fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ApiError("1003")
    flt = _validate_filter(db, body.get("filter"), unsupported)
    schema = Schema.load(db)
    for name in fields:
        if schema.get(name) is None:
            raise ApiError("1006", show(name))
    headers = body.get("columnHeaderNames") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k in fields for k, v in headers.items()
    ):
        raise ApiError("1003")
    spec = {"fields": list(dict.fromkeys(fields)), "columnHeaderNames": headers, "filter": flt}
    return spec, fmt.upper()


def _format_and_fields(body: dict[str, Any], known: Any) -> tuple[str, list[str], dict[str, str]]:
    fmt = body.get("format", "CSV")
    if not isinstance(fmt, str) or fmt.upper() not in EXPORT_FORMATS:
        raise ApiError("1003")
    fields = body.get("fields")
    if fields is None or fields == []:
        raise ApiError("1002", "fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ApiError("1003")
    for name in fields:
        if not known(name):
            raise ApiError("1006", show(name))
    headers = body.get("columnHeaderNames") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k in fields for k, v in headers.items()
    ):
        raise ApiError("1003")
    return fmt.upper(), list(dict.fromkeys(fields)), headers


def validate_member_export(db: Connection, body: Any, unsupported: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The stored spec and format of a program member extract, or ApiError."""
    if not isinstance(body, dict):
        body = {}
    flt = body.get("filter")
    if flt is None:
        raise ApiError("1002", "filter")
    if not isinstance(flt, dict):
        raise ApiError("1003")
    unknown = set(flt) - {"programId", "programIds", "isExhausted", "nurtureCadence", "statusNames", "updatedAt"}
    if unknown or ("programId" in flt) == ("programIds" in flt):
        raise ApiError("1003")
    clean: dict[str, Any] = {}
    if "programId" in flt:
        program_id = parse_id(flt["programId"])
        if program_id is None:
            raise ApiError("1003")
        clean["programId"] = program_id
    else:
        ids = flt["programIds"]
        if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_PROGRAM_IDS or any(parse_id(i) is None for i in ids):
            raise ApiError("1003")
        clean["programIds"] = [parse_id(i) for i in ids]
    if "isExhausted" in flt:
        if not isinstance(flt["isExhausted"], bool):
            raise ApiError("1003")
        clean["isExhausted"] = flt["isExhausted"]
    if "nurtureCadence" in flt:
        if flt["nurtureCadence"] not in ("pause", "norm"):
            raise ApiError("1003")
        clean["nurtureCadence"] = flt["nurtureCadence"]
    if "updatedAt" in flt:
        if "updatedAt" in unsupported:
            raise ApiError("1035")
        clean.update(_validate_filter(db, {"updatedAt": flt["updatedAt"]}, frozenset()))
    if "statusNames" in flt:
        names = flt["statusNames"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ApiError("1003")
        wanted = clean.get("programIds") or [clean.get("programId")]
        found = db.execute(
            sa.select(program_members.c.id)
            .where(program_members.c.program_id.in_(wanted), program_members.c.progression_status.in_(names))
            .limit(1)
        ).first()
        if found is None:
            raise ApiError("1003", variant="invalid_data")  # "If a status name is not found ... 1003, Invalid Data"
        clean["statusNames"] = names
    schema = Schema.load(db)
    fmt, fields, headers = _format_and_fields(body, lambda n: n in MEMBER_COLUMNS or schema.get(n) is not None)
    return {"fields": fields, "columnHeaderNames": headers, "filter": clean}, fmt


def _id_list(value: Any, limit: int) -> list[int]:
    if not isinstance(value, list) or not 1 <= len(value) <= limit or any(parse_id(v) is None for v in value):
        raise ApiError("1003")
    return [int(v) for v in value]


def validate_activity_export(db: Connection, body: Any, unsupported: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The stored spec and format of an activity extract, or ApiError. `fields` is optional here."""
    del unsupported  # every activity filter is available
    if not isinstance(body, dict):
        body = {}
    flt = body.get("filter")
    if flt is None:
        raise ApiError("1002", "filter")
    if not isinstance(flt, dict):
        raise ApiError("1003")
    allowed = {"createdAt", "activityTypeIds", "primaryAttributeValueIds", "primaryAttributeValues"}
    if set(flt) - allowed:
        raise ApiError("1003")
    if "createdAt" not in flt:
        raise ApiError("1002", "createdAt")
    clean = _validate_filter(db, {"createdAt": flt["createdAt"]}, frozenset())
    if "activityTypeIds" in flt:
        clean["activityTypeIds"] = _id_list(flt["activityTypeIds"], 10_000)
    by_ids, by_names = "primaryAttributeValueIds" in flt, "primaryAttributeValues" in flt
    if (by_ids or by_names) and (by_ids == by_names or "activityTypeIds" not in flt):
        raise ApiError("1003")  # one of the two, and only with activityTypeIds
    if by_ids:
        clean["primaryAttributeValueIds"] = _id_list(flt["primaryAttributeValueIds"], MAX_PRIMARY_ATTRIBUTE_VALUES)
    if by_names:
        names = flt["primaryAttributeValues"]
        if (
            not isinstance(names, list)
            or not 1 <= len(names) <= MAX_PRIMARY_ATTRIBUTE_VALUES
            or not all(isinstance(n, str) for n in names)
        ):
            raise ApiError("1003")
        clean["primaryAttributeValues"] = names
    known = (*ACTIVITY_FIELDS, *ACTIVITY_OPTIONAL_FIELDS)
    with_fields = body if body.get("fields") not in (None, []) else {**body, "fields": list(ACTIVITY_FIELDS)}
    fmt, fields, headers = _format_and_fields(with_fields, lambda n: n in known)
    return {"fields": fields, "columnHeaderNames": headers, "filter": clean}, fmt


def validate_object_export(
    db: Connection, body: Any, unsupported: frozenset[str], kind: str
) -> tuple[dict[str, Any], str]:
    """The stored spec and format of a custom object extract, or ApiError; the filter names linked leads."""
    obj = co.object_type(co.find_type(db, kind.removeprefix(CUSTOM_OBJECTS)))
    if not isinstance(body, dict):
        body = {}
    flt = body.get("filter")
    if isinstance(flt, dict) and len(flt) == 1 and set(flt) <= {"createdAt"}:
        raise ApiError("1003")  # custom objects filter by updatedAt, not createdAt
    clean = _validate_filter(db, flt, unsupported)
    fmt, fields, headers = _format_and_fields(body, lambda n: obj.field(n) is not None)
    link = next((str(rel["field"]) for rel in obj.relationships if "field" in rel), "leadId")
    return {"fields": fields, "columnHeaderNames": headers, "filter": clean, "linkField": link}, fmt
