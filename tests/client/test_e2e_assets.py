"""client.assets against the emulator over real HTTP: folders, programs, static lists. The Asset API answers
"not found" with a warning and no result: the client gives None or nothing, never an exception."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mkto.client import AsyncClient, Client
from mkto.errors import CallerError

from .conftest import Emu


def test_not_found_is_none(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        assert mkto.assets.folder(987_654) is None
        assert mkto.assets.folder_by_name("No such folder") is None
        assert mkto.assets.program(987_654) is None
        assert mkto.assets.program_by_name("No such program") is None
        assert mkto.assets.static_list(987_654) is None
        assert mkto.assets.static_list_by_name("No such list") is None


def test_folders_programs_and_static_lists(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        root = mkto.assets.folder_by_name("Marketing Activities")
        assert root is not None
        folder = mkto.assets.create_folder("Client Tests", parent=root["id"], description="made by a test")
        assert folder is not None
        read = mkto.assets.folder(folder["id"])
        assert read is not None
        assert (read["id"], read["name"], read["description"]) == (folder["id"], "Client Tests", "made by a test")
        assert "Client Tests" in {f["name"] for f in mkto.assets.iter_folders(root=root["id"])}

        program = mkto.assets.create_program(
            "Client Program", folder=folder["id"], type="Default", channel="Operational"
        )
        assert program is not None and mkto.assets.program_by_name("Client Program")["id"] == program["id"]  # type: ignore[index]
        clone = mkto.assets.clone_program(program["id"], "Client Program Copy", folder=folder["id"])
        assert clone is not None and clone["name"] == "Client Program Copy"
        assert {"Client Program", "Client Program Copy"} <= {p["name"] for p in mkto.assets.iter_programs()}

        static = mkto.assets.create_static_list("Client List", folder=folder["id"])
        assert static is not None and mkto.assets.static_list(static["id"])["name"] == "Client List"  # type: ignore[index]
        mkto.assets.delete_static_list(static["id"])
        assert mkto.assets.static_list(static["id"]) is None

        with pytest.raises(CallerError) as refused:  # only email programs are approved
            mkto.assets.approve_program(program["id"])
        assert refused.value.code == "709"
        assert mkto.assets.approve_program(987_654) is None

        mkto.assets.delete_program(clone["id"])
        mkto.assets.delete_program(program["id"])
        assert mkto.assets.program(program["id"]) is None
        mkto.assets.delete_folder(folder["id"])
        assert mkto.assets.folder(folder["id"]) is None


def test_async_assets(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        root = mkto.assets.folder_by_name("Marketing Activities")
        assert root is not None
        before = sorted(p["id"] for p in mkto.assets.iter_programs())

    async def main() -> tuple[object, dict[str, Any] | None, list[int]]:
        async with AsyncClient(**leads_emu.client_kwargs()) as mkto:
            missing = await mkto.assets.program(987_654)
            created = await mkto.assets.create_program(
                "Async Program", folder=root["id"], type="Default", channel="Operational"
            )
            programs = [p["id"] async for p in mkto.assets.iter_programs()]
            return missing, created, programs

    missing, created, programs = asyncio.run(main())
    assert missing is None and created is not None and created["name"] == "Async Program"
    assert sorted(programs) == sorted([*before, created["id"]])  # every program, the new one once
