"""The smart campaigns area's own tables: the folder of each campaign (Asset API) and scheduled runs. The
campaigns and their members are shared (`_common.tables`): the leads area reads memberships."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, String, Table

from mkto.emulator._store import metadata

campaign_folders = Table(
    "campaign_folders",
    metadata,
    Column("campaign_id", Integer, primary_key=True, autoincrement=False),
    Column("folder_id", Integer, nullable=False),
    Column("folder_type", String(16), nullable=False),
)


campaign_runs = Table(
    "campaign_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", Integer, nullable=False, index=True),
    Column("run_at", String(20), nullable=False),
    Column("tokens", JSON, nullable=False),
    Column("clone_day", String(10)),  # America/Chicago date of a cloneToProgramName call
    Column("created_at", String(20), nullable=False),
    sqlite_autoincrement=True,
)


TABLES = (campaign_folders, campaign_runs)
