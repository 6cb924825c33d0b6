"""Tables shared by several API areas: leads and their partitions and custom fields, and the minimal static
lists, programs and smart campaigns the lead endpoints read memberships from (the lists/programs areas build
on them). Core types only, so the same tables work on SQLite and PostgreSQL; no foreign keys, so a reset can
wipe tables in any order. Timestamps are stored as Marketo renders them: `2021-11-23T22:57:18Z`.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection

from mkto.emulator._store import metadata

DEFAULT_PARTITION_ID = 1
DEFAULT_PARTITION_NAME = "Default"

_TS = 20  # len("2021-11-23T22:57:18Z")

lead_partitions = Table(
    "lead_partitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("description", String(2000)),
    info={"keep_on_reset": True},
)


def seed_partitions(db: Connection) -> None:
    """The "Default" partition (id 1) every instance has."""
    if db.execute(lead_partitions.select().where(lead_partitions.c.id == DEFAULT_PARTITION_ID)).first() is None:
        db.execute(
            lead_partitions.insert().values(
                id=DEFAULT_PARTITION_ID, name=DEFAULT_PARTITION_NAME, description="Default partition"
            )
        )


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
    Column("created_at", String(_TS), nullable=False),
    Column("updated_at", String(_TS), nullable=False),
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

# Membership tables whose rows follow a lead through merge and vanish with it on delete.
LEAD_MEMBERSHIPS: tuple[tuple[Table, str], ...] = (
    (list_members, "list_id"),
    (program_members, "program_id"),
    (campaign_members, "campaign_id"),
)

AREA_TABLES: tuple[Table, ...] = (
    lead_partitions, lead_fields, leads, static_lists, list_members, programs, program_members, campaigns,
    campaign_members,
)  # fmt: skip

# --- lists, campaigns and activities areas (additive) ------------------------------------------------

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

# A static list an import or export is using cannot be deleted (1022). The bulk area holds a lock while its
# job runs: `lock_list(db, list_id, "import:17")`, then `unlock_list(db, list_id, "import:17")`.
list_locks = Table(
    "list_locks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", Integer, nullable=False, index=True),
    Column("holder", String(255), nullable=False),
    UniqueConstraint("list_id", "holder"),
    sqlite_autoincrement=True,
)


def lock_list(db: Connection, list_id: int, holder: str) -> None:
    """Mark a static list as used by `holder` (an import or export job) so it cannot be deleted."""
    exists = db.execute(
        list_locks.select().where(list_locks.c.list_id == list_id, list_locks.c.holder == holder)
    ).first()
    if exists is None:
        db.execute(list_locks.insert().values(list_id=list_id, holder=holder))


def unlock_list(db: Connection, list_id: int, holder: str) -> None:
    db.execute(list_locks.delete().where(list_locks.c.list_id == list_id, list_locks.c.holder == holder))


def list_in_use(db: Connection, list_id: int) -> bool:
    """True while an import or export holds the list (delete answers 1022)."""
    return db.execute(list_locks.select().where(list_locks.c.list_id == list_id).limit(1)).first() is not None


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

LISTS_AREA_TABLES: tuple[Table, ...] = (folders, static_list_folders, list_locks, activities)

# --- CRM objects, custom objects, program members and assets areas (additive) ------------------------

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

# Program member field values (registrationCode, webinarUrl, ...) set by Sync Program Member Data.
program_member_data = Table(
    "program_member_data",
    metadata,
    Column("program_id", Integer, primary_key=True, autoincrement=False),
    Column("lead_id", Integer, primary_key=True, autoincrement=False),
    Column("data", JSON, nullable=False),
)

# Asset API details of a `folders` row (the lists area's table): its type and flags. A folder without a row here
# is a plain, non-system "Marketing Folder" whose parent (if any) is a folder. A program is also a folder, of
# type "Program": its place in the tree and approval state live in `program_details`, keyed by the program id.
folder_details = Table(
    "folder_details",
    metadata,
    Column("folder_id", Integer, primary_key=True, autoincrement=False),
    Column("folder_type", String(64), nullable=False),  # Marketing Folder, Email, List, ...
    Column("description", String(2000)),
    Column("parent_kind", String(16)),  # Folder | Program
    Column("is_system", Boolean, nullable=False, default=False),
    Column("is_archive", Boolean, nullable=False, default=False),
)

program_details = Table(
    "program_details",
    metadata,
    Column("program_id", Integer, primary_key=True, autoincrement=False),
    Column("folder_id", Integer, nullable=False),
    Column("status", String(16), nullable=False, default=""),  # locked | unlocked | "" (no approval state)
    Column("clonable", Boolean, nullable=False, default=True),  # False: holds assets Clone Program refuses (709)
    Column("tags", JSON, nullable=False),
    Column("costs", JSON, nullable=False),
)

# A member's field values follow its lead through a merge and vanish with it on delete, like the membership.
LEAD_MEMBERSHIPS += ((program_member_data, "program_id"),)

OBJECT_AREA_TABLES: tuple[Table, ...] = (
    object_records, custom_object_types, program_member_data, folder_details, program_details,
)  # fmt: skip

# Named account list membership: which named accounts (object_records ids) each list (object_records id) holds.
named_account_list_members = Table(
    "named_account_list_members",
    metadata,
    Column("list_id", Integer, primary_key=True, autoincrement=False),
    Column("account_id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", String(_TS), nullable=False),
)
OBJECT_AREA_TABLES += (named_account_list_members,)
