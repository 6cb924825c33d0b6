"""The lead schema endpoints: Describe, Describe2, the field list, and creating and updating custom fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mkto.emulator._api import ApiError, skipped
from mkto.emulator._common import paging
from mkto.emulator._common.schema import CREATABLE_TYPES, CUSTOM_FIELD_ID_BASE, DISPLAY_NAME, FIELD_NAME, Field, Schema
from mkto.emulator._common.tables import lead_fields
from mkto.emulator._common.values import show, storable_text
from mkto.emulator.leads._model._base import BOOLEAN, MAX_FIELDS_PER_CREATE, Base, Page, Record


class Fields(Base):
    """The lead fields: standard ones from code, custom ones from the database."""

    def describe(self) -> list[Record]:
        out: list[Record] = []
        for f in self.schema:
            item: Record = {"id": f.id, "displayName": f.display_name, "dataType": f.data_type}
            if f.length is not None:
                item["length"] = f.length
            item["rest"] = {"name": f.name, "readOnly": f.read_only}
            if f.soap_name is not None:
                item["soap"] = {"name": f.soap_name, "readOnly": False}
            out.append(item)
        return out

    def describe2(self) -> list[Record]:
        fields: list[Record] = []
        for f in self.schema:
            item: Record = {"name": f.name, "displayName": f.display_name, "dataType": f.data_type}
            if f.length is not None:
                item["length"] = f.length
            item["updateable"] = not f.read_only
            item["crmManaged"] = False
            fields.append(item)
        searchable = [[name] for name in self.schema.searchable_names()]
        return [{"name": "API Lead", "searchableFields": searchable, "fields": fields}]

    @staticmethod
    def field_record(f: Field) -> Record:
        item: Record = {"displayName": f.display_name, "name": f.name, "description": f.description}
        item["dataType"] = f.data_type
        if f.length is not None:
            item["length"] = f.length
        item.update(
            isHidden=f.is_hidden,
            isHtmlEncodingInEmail=f.is_html_encoding_in_email,
            isSensitive=f.is_sensitive,
            isCustom=f.is_custom,
            isApiCreated=f.is_api_created,
        )
        return item

    def schema_fields(self, batch_size: int, page_token: str | None) -> Page:
        after = paging.decode(page_token, "fields") if page_token else 0
        remaining = [f for f in self.schema if f.id > after]
        page = remaining[:batch_size]
        more = len(remaining) > batch_size
        token = paging.encode("fields", page[-1].id) if more else None
        return Page([self.field_record(f) for f in page], token, more)

    def schema_field(self, name: str) -> list[Record]:
        field = self.schema.get(name)
        if field is None:
            raise ApiError("1006", show(name))
        return [self.field_record(field)]

    def create_fields(self, inputs: Sequence[Any]) -> list[Record]:
        if not inputs:
            raise ApiError("1002", "input")
        if len(inputs) > MAX_FIELDS_PER_CREATE:
            raise ApiError("1003")
        return [self._create_field(item) for item in inputs]

    def _create_field(self, item: Any) -> Record:
        if not isinstance(item, dict):
            return skipped("1003")
        name, display, data_type = item.get("name"), item.get("displayName"), item.get("dataType")
        for key, value in (("displayName", display), ("name", name), ("dataType", data_type)):
            if value is None or value == "":
                return skipped("1002", key, **_named(name))
        for key, value, pattern in (("name", name, FIELD_NAME), ("displayName", display, DISPLAY_NAME)):
            if not isinstance(value, str) or len(value) > 255 or not pattern.fullmatch(value):
                return skipped("1003", key, show(value), variant="invalid_field_value", **_named(name))
        assert isinstance(name, str) and isinstance(display, str)
        if not isinstance(data_type, str) or data_type not in CREATABLE_TYPES:
            return skipped("1003", "dataType", show(data_type), variant="invalid_field_value", name=name)
        flags: dict[str, bool] = {}
        for key, column, default in (
            ("isHidden", "is_hidden", False),
            ("isHtmlEncodingInEmail", "is_html_encoding_in_email", True),
            ("isSensitive", "is_sensitive", False),
        ):
            value = item.get(key, default)
            if not isinstance(value, bool):
                return skipped("1001", show(value), BOOLEAN, name=name)
            flags[column] = value
        description = item.get("description")
        if description is not None and not (
            isinstance(description, str) and storable_text(description) and len(description) <= 2000
        ):
            return skipped("1003", "description", show(description), variant="invalid_field_value", name=name)
        if self.schema.get_folded(name) is not None or self.schema.has_display_name(display):
            return skipped("1017", name=name)
        self.db.execute(
            lead_fields.insert().values(
                name=name, display_name=display, data_type=data_type, length=CREATABLE_TYPES[data_type],
                description=description, created_at=self.stamp, updated_at=self.stamp, **flags,
            )
        )  # fmt: skip
        self._schema = None  # the new field is usable by the next record and the next call
        Schema.changed(self.db)
        return {"name": name, "status": "created"}

    def update_field(self, name: str, changes: Any) -> list[Record]:
        field = self.schema.get(name)
        if field is None:
            raise ApiError("1006", show(name))
        if not isinstance(changes, dict):
            raise ApiError("1003")
        if not field.is_custom or field.id < CUSTOM_FIELD_ID_BASE:
            return [skipped("1003", name=name)]  # standard fields keep their metadata (recorded ones too)
        values: dict[str, Any] = {}
        for key, column in (
            ("isHidden", "is_hidden"),
            ("isHtmlEncodingInEmail", "is_html_encoding_in_email"),
            ("isSensitive", "is_sensitive"),
        ):
            if key in changes:
                if not isinstance(changes[key], bool):
                    return [skipped("1001", show(changes[key]), BOOLEAN, name=name)]
                values[column] = changes[key]
        if "displayName" in changes:
            display = changes["displayName"]
            if not isinstance(display, str) or len(display) > 255 or not DISPLAY_NAME.fullmatch(display):
                return [skipped("1003", "displayName", show(display), variant="invalid_field_value", name=name)]
            if display.lower() != field.display_name.lower() and self.schema.has_display_name(display):
                return [skipped("1017", name=name)]
            values["display_name"] = display
        if "description" in changes:
            description = changes["description"]
            if description is not None and not (
                isinstance(description, str) and storable_text(description) and len(description) <= 2000
            ):
                return [skipped("1003", "description", show(description), variant="invalid_field_value", name=name)]
            values["description"] = description
        for key in ("dataType", "name", "length", "isCustom"):
            if key in changes and changes[key] != getattr(field, _ATTR[key]):
                return [skipped("1003", key, show(changes[key]), variant="invalid_field_value", name=name)]
        row_id = field.id - CUSTOM_FIELD_ID_BASE
        self.db.execute(lead_fields.update().where(lead_fields.c.id == row_id).values(updated_at=self.stamp, **values))
        self._schema = None
        Schema.changed(self.db)
        return [{"name": name, "status": "updated"}]


_ATTR = {"dataType": "data_type", "name": "name", "length": "length", "isCustom": "is_custom"}


def _named(name: Any) -> dict[str, Any]:
    return {"name": show(name)} if isinstance(name, str) and name else {}
