"""Tables several API areas read or write: leads and their custom fields, static lists, programs and smart
campaigns with their members (the leads area reads memberships, moves them on merge and drops them on delete),
asset folders, activities (every area records them) and dedupe object records (CRM objects and custom objects).
A table only one area uses lives in that area's `_tables.py`.

Core types only, so the same tables work on SQLite and PostgreSQL; no foreign keys, so a reset can wipe tables in
any order. Timestamps are stored as Marketo renders them: `2021-11-23T22:57:18Z`. Every table joins `metadata`
when its module is imported; `Store.open` creates them all at once.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, UniqueConstraint

from mkto.emulator._store import metadata

_TS = 20  # len("2021-11-23T22:57:18Z")


# Custom lead fields created through the API; the standard fields are code (`_common.schema`).
lead_fields = Table(
    "lead_fields",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("display_name", String(255), nullable=False),
    Column("data_type", String(32), nullable=False),
    Column("length", Integer),
    Column("description", String(2000)),
    Column("is_hidden", Boolean, nullable=False, default=False),
    Column("is_html_encoding_in_email", Boolean, nullable=False, default=True),
    Column("is_sensitive", Boolean, nullable=False, default=False),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    info={"keep_on_reset": True},
    sqlite_autoincrement=True,
)

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partition_id", Integer, nullable=False, index=True),
    Column("email_key", String(255), index=True),  # lower-cased email: Marketo dedupes case-insensitively
    # Indexed: a bulk extract filters on them, and counts its records when it starts.
    Column("created_at", String(_TS), nullable=False, index=True),
    Column("updated_at", String(_TS), nullable=False, index=True),
    Column("data", JSON, nullable=False),  # field name -> value, JSON-native (dates as ISO strings)
    sqlite_autoincrement=True,
)

static_lists = Table(
    "static_lists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("description", String(2000)),
    Column("program_name", String(255)),
    Column("workspace_name", String(255), nullable=False, default="Default"),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    sqlite_autoincrement=True,
)

list_members = Table(
    "list_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", Integer, nullable=False, index=True),
    Column("lead_id", Integer, nullable=False, index=True),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    UniqueConstraint("list_id", "lead_id"),
    sqlite_autoincrement=True,
)

programs = Table(
    "programs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("description", String(2000)),
    Column("type", String(64), nullable=False, default="Default"),  # Default, Event, Engagement, Email, ...
    Column("channel", String(255)),
    Column("workspace", String(255), nullable=False, default="Default"),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    sqlite_autoincrement=True,
)

program_members = Table(
    "program_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False, index=True),
    Column("lead_id", Integer, nullable=False, index=True),
    Column("progression_status", String(255), nullable=False, default="Member"),
    Column("progression_status_type", String(64)),
    Column("acquired_by", Boolean, nullable=False, default=False),
    Column("reached_success", Boolean, nullable=False, default=False),
    Column("is_exhausted", Boolean, nullable=False, default=False),
    Column("stream", String(255)),
    Column("nurture_cadence", String(32)),
    Column("membership_date", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    UniqueConstraint("program_id", "lead_id"),
    sqlite_autoincrement=True,
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("description", String(2000)),
    Column("type", String(32), nullable=False, default="batch"),  # batch | trigger
    Column("program_id", Integer),
    Column("workspace_name", String(255), nullable=False, default="Default"),
    Column("is_active", Boolean, nullable=False, default=False),
    Column("is_requestable", Boolean, nullable=False, default=False),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    sqlite_autoincrement=True,
)

campaign_members = Table(
    "campaign_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", Integer, nullable=False, index=True),
    Column("lead_id", Integer, nullable=False, index=True),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    UniqueConstraint("campaign_id", "lead_id"),
    sqlite_autoincrement=True,
)

# Asset folders a static list or smart campaign can live in; a program is a folder of type "Program".
folders = Table(
    "folders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("parent_id", Integer),
    Column("workspace", String(255), nullable=False, default="Default"),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    sqlite_autoincrement=True,
)

# The folder each static list was created in (Asset API); a list without a row sits in no folder.
static_list_folders = Table(
    "static_list_folders",
    metadata,
    Column("list_id", Integer, primary_key=True, autoincrement=False),
    Column("folder_id", Integer, nullable=False),
    Column("folder_type", String(16), nullable=False),  # Folder | Program
)


# Every activity the emulator records on a lead: standard ones (list add/remove, campaign requests, lead
# writes) and custom ones. `activity_date` sorts as time (`2021-11-23T22:57:18Z`); an activity dated in the
# future (a scheduled campaign run) is not read back until the virtual clock reaches it.
activities = Table(
    "activities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lead_id", Integer, nullable=False, index=True),
    Column("type_id", Integer, nullable=False, index=True),
    Column("activity_date", String(_TS), nullable=False, index=True),
    Column("primary_attribute_value_id", Integer),
    Column("primary_attribute_value", String(2000)),
    Column("campaign_id", Integer),
    Column("attributes", JSON, nullable=False),  # [{"name": ..., "value": ...}]
    Column("fields", JSON),  # lead changes: [{"id", "name", "newValue", "oldValue"}]
    sqlite_autoincrement=True,
)


# Records of the dedupe objects: companies, opportunities, opportunity roles, sales persons, named accounts and
# custom objects. `object` names the type ("company", ..., or a custom object's API name); `dedupe_key` is the
# JSON of the record's dedupe field values, so a lookup by dedupe fields is one indexed equality.
object_records = Table(
    "object_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("object", String(64), nullable=False, index=True),
    Column("guid", String(64), nullable=False, unique=True),
    Column("dedupe_key", String(2000), nullable=False, index=True),
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
    Column("data", JSON, nullable=False),
    sqlite_autoincrement=True,
)


# Program member field values (registrationCode, webinarUrl, ...) set by Sync Program Member Data.
program_member_data = Table(
    "program_member_data",
    metadata,
    Column("program_id", Integer, primary_key=True, autoincrement=False),
    Column("lead_id", Integer, primary_key=True, autoincrement=False),
    Column("data", JSON, nullable=False),
)


# Membership tables whose rows follow a lead through merge and vanish with it on delete (a member's field values
# too, like the membership).
LEAD_MEMBERSHIPS: tuple[tuple[Table, str], ...] = (
    (list_members, "list_id"),
    (program_members, "program_id"),
    (campaign_members, "campaign_id"),
    (program_member_data, "program_id"),
)
