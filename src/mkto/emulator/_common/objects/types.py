"""What a dedupe object is: the description Describe shows and the one generic model (`objects.model`) reads.

Companies, opportunities, opportunity roles, sales persons, named accounts and custom objects share one
contract (describe, sync by dedupe fields or id field, query by a searchable field, delete); each differs
only in its description: the CRM area describes its standard objects, the custom objects area builds
one `ObjectType` per custom object type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ID = "id"
GUID = "marketoGUID"
SYSTEM_FIELDS = frozenset({"createdAt", "updatedAt", ID, GUID})


@dataclass(frozen=True, slots=True)
class ObjField:
    name: str
    display_name: str
    data_type: str  # string, integer, float, currency, boolean, date, datetime, email, url, text, link
    length: int | None = None
    updateable: bool = True

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "displayName": self.display_name, "dataType": self.data_type}
        if self.length is not None:
            out["length"] = self.length
        out["updateable"] = self.updateable
        return out


@dataclass(frozen=True, slots=True)
class ObjectType:
    """One dedupe object. `key` names its records in storage; `name` is what Describe calls it."""

    key: str
    name: str
    description: str
    id_field: str  # "id" (integer) or "marketoGUID"
    dedupe_fields: tuple[str, ...]
    searchable: tuple[tuple[str, ...], ...]
    fields: tuple[ObjField, ...]
    crm_managed: bool = False  # read-only while a native CRM sync is enabled (1018)
    crm_unavailable: bool = False  # no call at all (reads included) while a native CRM sync is enabled (1018)
    required_on_create: tuple[str, ...] = ()
    not_found_variant: str | None = "record_not_found"  # 1013 wording for a missing record
    relationships: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # custom objects: displayName, pluralName, ...
    default_action: str = "createOrUpdate"
    defaults: Mapping[str, Any] = field(default_factory=dict)  # values a created record starts with

    def field(self, name: str) -> ObjField | None:
        for f in self.fields:
            if f.name.lower() == name.lower():
                return f
        return None

    def describe(self, created_at: str, updated_at: str) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        out.update(self.extra)
        out.update(
            {
                "description": self.description,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "idField": self.id_field,
                "dedupeFields": list(self.dedupe_fields),
                "searchableFields": [list(s) for s in self.searchable],
            }
        )
        if self.relationships:
            out["relationships"] = [dict(r) for r in self.relationships]
        out["fields"] = [f.describe() for f in self.fields]
        return out


STANDARD_SINCE = "2015-05-11T17:11:32Z"  # the docs' describe timestamps for the standard objects
