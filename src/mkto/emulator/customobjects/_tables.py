"""The custom objects area's own tables: the custom object types. Their records are dedupe object records
(`_common.tables.object_records`)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, String, Table

from mkto.emulator._store import metadata

_TS = 20  # len("2021-11-23T22:57:18Z")

# Custom object types (the seeded `car_c` and any created through the metadata API): the definition is the
# describe body (fields, dedupe fields, relationships) as JSON.
custom_object_types = Table(
    "custom_object_types",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("definition", JSON, nullable=False),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
)
