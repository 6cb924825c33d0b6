"""Asset API folders and programs over HTTP, in the Asset envelope: 701, 704, 709, 710, 711, 603, not-found as
a success with a warning, workspaces, browse paging."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.emulator.conftest import JSON_TYPE, REQUEST_ID, Api, assert_marketo_error

NOT_FOUND = "No assets found for the given search criteria."
MARKETING_ACTIVITIES = {"id": 1, "type": "Folder"}
EMAILS_FOLDER = {"id": 3, "type": "Folder"}


def asset_ok(response: httpx.Response, warnings: list[str] | None = None) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    body = response.json()
    assert list(body) == ["success", "errors", "requestId", "warnings", "result"], body
    assert body["success"] is True and body["errors"] == [] and REQUEST_ID.match(body["requestId"])
    assert body["warnings"] == (warnings or [])
    result: list[dict[str, Any]] = body["result"]
    return result


def asset_error(response: httpx.Response, code: str, message: str) -> None:
    assert_marketo_error(response, code, message, asset=True)


def create_program(api: Api, name: str, folder: dict[str, Any] = MARKETING_ACTIVITIES, *, token: str | None = None,
                   **fields: str) -> httpx.Response:  # fmt: skip
    form = {"name": name, "folder": json.dumps(folder), "type": "Default", "channel": "Email Blast", **fields}
    return api.call("POST", "/rest/asset/v1/programs.json", data=form, token=token)


def program_id(api: Api, name: str) -> int:
    return int(asset_ok(create_program(api, name))[0]["id"])


def create_folder(api: Api, name: str, parent: dict[str, Any] = MARKETING_ACTIVITIES) -> httpx.Response:
    return api.call("POST", "/rest/asset/v1/folders.json", data={"name": name, "parent": json.dumps(parent)})


# --- folders ---------------------------------------------------------------------------------------
def test_folder_by_id_and_by_name(api: Api) -> None:
    [folder] = asset_ok(api.call("GET", "/rest/asset/v1/folder/12.json", params={"type": "Folder"}))
    assert folder["name"] == "Group Lists" and folder["folderType"] == "List" and folder["isSystem"] is True
    assert folder["path"] == "/Lead Database/Default/Group Lists"
    assert folder["parent"] == {"id": 5, "type": "Folder"} and folder["folderId"] == {"id": 12, "type": "Folder"}
    assert folder["createdAt"].endswith("Z+0000")
    by_name = asset_ok(api.call("GET", "/rest/asset/v1/folder/byName.json", params={"name": "Group Lists"}))
    assert [f["id"] for f in by_name] == [12]


def test_not_found_is_a_success_with_a_warning(api: Api) -> None:
    asset_ok(api.call("GET", "/rest/asset/v1/folder/99999.json", params={"type": "Folder"}), [NOT_FOUND])
    asset_ok(api.call("GET", "/rest/asset/v1/folder/byName.json", params={"name": "Nothing"}), [NOT_FOUND])
    asset_ok(api.call("GET", "/rest/asset/v1/program/99999.json"), [NOT_FOUND])
    asset_ok(api.call("GET", "/rest/asset/v1/program/byName.json", params={"name": "Nothing"}), [NOT_FOUND])


def test_create_update_browse_and_delete_a_folder(api: Api) -> None:
    [made] = asset_ok(create_folder(api, "Campaigns 2026"))
    assert made["parent"] == MARKETING_ACTIVITIES and made["path"] == "/Marketing Activities/Campaigns 2026"
    assert made["folderType"] == "Marketing Folder" and made["isSystem"] is False
    [child] = asset_ok(create_folder(api, "Q1", {"id": made["id"], "type": "Folder"}))
    [renamed] = asset_ok(api.call("POST", f"/rest/asset/v1/folder/{made['id']}.json",
                                  data={"type": "Folder", "name": "Campaigns", "description": "All of them"}))  # fmt: skip
    assert renamed["name"] == "Campaigns" and renamed["description"] == "All of them"
    tree = asset_ok(api.call("GET", "/rest/asset/v1/folders.json",
                             params={"root": json.dumps({"id": made["id"], "type": "Folder"}), "maxDepth": 2}))  # fmt: skip
    assert [f["name"] for f in tree] == ["Campaigns", "Q1"]
    shallow = asset_ok(api.call("GET", "/rest/asset/v1/folders.json",
                                params={"root": json.dumps({"id": made["id"], "type": "Folder"}), "maxDepth": 1}))  # fmt: skip
    assert [f["name"] for f in shallow] == ["Campaigns"]
    asset_error(api.call("POST", f"/rest/asset/v1/folder/{made['id']}/delete.json"), "709", "Business Rule Violation")
    assert asset_ok(api.call("POST", f"/rest/asset/v1/folder/{child['id']}/delete.json")) == [{"id": child["id"]}]
    assert asset_ok(api.call("POST", f"/rest/asset/v1/folder/{made['id']}/delete.json")) == [{"id": made["id"]}]


def test_browse_pages_with_offset_and_max_return(api: Api) -> None:
    for i in range(4):
        asset_ok(create_folder(api, f"F{i}"))
    root = json.dumps(MARKETING_ACTIVITIES)
    names = [f["name"] for f in asset_ok(api.call("GET", "/rest/asset/v1/folders.json",
                                                  params={"root": root, "maxDepth": 2, "maxReturn": 200}))]  # fmt: skip
    page = asset_ok(api.call("GET", "/rest/asset/v1/folders.json",
                             params={"root": root, "maxDepth": 2, "offset": 2, "maxReturn": 2}))  # fmt: skip
    assert [f["name"] for f in page] == names[2:4]


def test_folder_errors(api: Api) -> None:
    asset_error(create_folder(api, "Orphan", {"id": 99999, "type": "Folder"}), "710", "Parent Folder Not Found")
    asset_ok(create_folder(api, "Twice"))
    asset_error(create_folder(api, "Twice"), "709", "Business Rule Violation")
    asset_error(api.call("POST", "/rest/asset/v1/folders.json", data={"parent": json.dumps(MARKETING_ACTIVITIES)}),
                "701", "name cannot be blank")  # fmt: skip
    asset_error(api.call("POST", "/rest/asset/v1/folder/1/delete.json"), "709", "Business Rule Violation")
    asset_error(api.call("GET", "/rest/asset/v1/folder/1.json"), "701", "type cannot be blank")


# --- programs --------------------------------------------------------------------------------------
def test_create_get_update_and_delete_a_program(api: Api) -> None:
    [made] = asset_ok(create_program(api, "Spring Launch", description="Launch", tags=json.dumps(
        [{"tagType": "Region", "tagValue": "EMEA"}]), costs=json.dumps([{"startDate": "2026-01-01", "cost": 2000}])))  # fmt: skip
    assert made["name"] == "Spring Launch" and made["type"] == "Default" and made["channel"] == "Email Blast"
    assert made["folder"] == {"type": "Folder", "value": 1, "folderName": "Marketing Activities"}
    assert made["costs"] == [{"startDate": "2026-01-01", "cost": 2000}]
    assert asset_ok(api.call("GET", f"/rest/asset/v1/program/{made['id']}.json"))[0]["id"] == made["id"]
    [updated] = asset_ok(api.call("POST", f"/rest/asset/v1/program/{made['id']}.json",
                                  data={"description": "New", "costs": json.dumps([{"startDate": "2026-02-01", "cost": 5}])}))  # fmt: skip
    assert updated["description"] == "New" and len(updated["costs"]) == 2
    [as_folder] = asset_ok(api.call("GET", f"/rest/asset/v1/folder/{made['id']}.json", params={"type": "Program"}))
    assert as_folder["folderType"] == "Program" and as_folder["path"] == "/Marketing Activities/Spring Launch"
    assert asset_ok(api.call("POST", f"/rest/asset/v1/program/{made['id']}/delete.json")) == [{"id": made["id"]}]
    asset_ok(api.call("GET", f"/rest/asset/v1/program/{made['id']}.json"), [NOT_FOUND])


@pytest.mark.parametrize("missing", ["name", "folder", "type", "channel"])
def test_create_program_missing_a_required_field_is_701(api: Api, missing: str) -> None:
    form = {"name": "P", "folder": json.dumps(MARKETING_ACTIVITIES), "type": "Default", "channel": "Email Blast"}
    del form[missing]
    asset_error(api.call("POST", "/rest/asset/v1/programs.json", data=form), "701", f"{missing} cannot be blank")


def test_program_folder_rules_710_711(api: Api) -> None:
    asset_error(create_program(api, "P", {"id": 99999, "type": "Folder"}), "710", "Parent Folder Not Found")
    asset_error(create_program(api, "P", EMAILS_FOLDER), "711", "Incompatible Folder Type")
    host = program_id(api, "Host")
    asset_error(create_program(api, "P", {"id": host, "type": "Program"}), "711", "Incompatible Folder Type")


def test_program_business_rules_709(api: Api) -> None:
    program_id(api, "Unique")
    asset_error(create_program(api, "Unique"), "709", "Business Rule Violation")
    asset_error(create_program(api, "Wrong channel", channel="Webinar"), "709", "Business Rule Violation")
    asset_error(create_program(api, "No channel", channel="Carrier Pigeon"), "709", "Business Rule Violation")


def test_approve_and_unapprove_an_email_program(api: Api) -> None:
    [email] = asset_ok(create_program(api, "Newsletter", type="Email"))
    assert email["status"] == "unlocked"
    path = f"/rest/asset/v1/program/{email['id']}"
    assert asset_ok(api.call("POST", f"{path}/approve.json")) == [{"id": email["id"]}]
    assert asset_ok(api.call("GET", f"{path}.json"))[0]["status"] == "locked"
    asset_error(api.call("POST", f"{path}/approve.json"), "709", "Business Rule Violation")  # no draft
    asset_ok(api.call("POST", f"{path}/unapprove.json"))
    asset_error(api.call("POST", f"{path}/unapprove.json"), "709", "Business Rule Violation")
    default = program_id(api, "Not an email program")
    asset_error(api.call("POST", f"/rest/asset/v1/program/{default}/approve.json"), "709", "Business Rule Violation")


def test_clone_program(api: Api) -> None:
    source = program_id(api, "Template Program")
    target = asset_ok(create_folder(api, "Clones"))[0]
    form = {"name": "Copy", "folder": json.dumps({"id": target["id"], "type": "Folder"})}
    [clone] = asset_ok(api.call("POST", f"/rest/asset/v1/program/{source}/clone.json", data=form))
    assert clone["name"] == "Copy" and clone["folder"]["value"] == target["id"] and clone["id"] != source
    asset_error(api.call("POST", f"/rest/asset/v1/program/{source}/clone.json", data=form), "709",
                "Business Rule Violation")  # fmt: skip
    [push] = asset_ok(api.call("GET", "/rest/asset/v1/program/byName.json", params={"name": "Mobile Push Program"}))
    form["name"] = "Copy of push"
    asset_error(api.call("POST", f"/rest/asset/v1/program/{push['id']}/clone.json", data=form), "709",
                "Business Rule Violation")  # fmt: skip
    form["folder"] = json.dumps({"id": 99999, "type": "Folder"})
    asset_error(api.call("POST", f"/rest/asset/v1/program/{source}/clone.json", data=form), "710",
                "Parent Folder Not Found")  # fmt: skip


def test_clone_lock_wait_is_a_fault_plan_719(api: Api) -> None:
    source = program_id(api, "Busy")
    api.fault(code="719", times=1, path="/rest/asset/v1/program/*/clone.json")
    form = {"name": "Copy", "folder": json.dumps(MARKETING_ACTIVITIES)}
    asset_error(api.call("POST", f"/rest/asset/v1/program/{source}/clone.json", data=form), "719",
                "Lock wait timeout exception")  # fmt: skip
    asset_ok(api.call("POST", f"/rest/asset/v1/program/{source}/clone.json", data=form))


def test_browse_programs_by_date_and_bad_date_704(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2026-03-01T00:00:00Z"})
    old = program_id(api, "Old")
    api.admin("POST", "/clock", json={"set": "2026-06-01T00:00:00Z"})
    new = program_id(api, "New")
    since = asset_ok(
        api.call("GET", "/rest/asset/v1/programs.json", params={"earliestUpdatedAt": "2026-05-01T00:00:00Z"})
    )
    assert [p["id"] for p in since] == [new]
    until = asset_ok(api.call("GET", "/rest/asset/v1/programs.json", params={
        "latestUpdatedAt": "2026-04-01T00:00:00Z", "filterType": "folderId", "filterValues": "1"}))  # fmt: skip
    assert old in [p["id"] for p in until] and new not in [p["id"] for p in until]
    asset_error(api.call("GET", "/rest/asset/v1/programs.json", params={"earliestUpdatedAt": "yesterday"}), "704",
                "Invalid date format")  # fmt: skip
    page = asset_ok(api.call("GET", "/rest/asset/v1/programs.json", params={"maxReturn": 1, "offset": 1}))
    assert len(page) == 1


# --- permissions and workspaces --------------------------------------------------------------------
def test_a_read_only_asset_role_cannot_create_603(api: Api) -> None:
    created = api.admin("POST", "/users", json={"permissions": ["Read-Only Asset"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    asset_ok(api.call("GET", "/rest/asset/v1/folder/1.json", params={"type": "Folder"}, token=token))
    asset_error(create_program(api, "Denied", token=token), "603", "Access denied")


def test_other_workspaces_are_invisible(api: Api) -> None:
    made = program_id(api, "Default workspace program")
    created = api.admin("POST", "/users", json={"workspaces": ["Japan"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    asset_ok(api.call("GET", f"/rest/asset/v1/program/{made}.json", token=token), [NOT_FOUND])
    asset_ok(api.call("GET", "/rest/asset/v1/folder/1.json", params={"type": "Folder"}, token=token), [NOT_FOUND])
    asset_error(create_program(api, "Elsewhere", token=token), "710", "Parent Folder Not Found")


def test_channels_and_their_progression(api: Api) -> None:
    channels = asset_ok(api.call("GET", "/rest/asset/v1/channels.json", params={"maxReturn": 200}))
    names = [c["name"] for c in channels]
    assert "Webinar" in names and "Email Blast" in names
    [webinar] = asset_ok(api.call("GET", "/rest/asset/v1/channel/byName.json", params={"name": "Webinar"}))
    steps = [s["step"] for s in webinar["progressionStatuses"]]
    assert steps == sorted(steps) and webinar["applicableProgramType"] == "event"
    asset_ok(api.call("GET", "/rest/asset/v1/channel/byName.json", params={"name": "Carrier Pigeon"}), [NOT_FOUND])


def test_programs_by_tag(api: Api) -> None:
    tags = json.dumps([{"tagType": "Presenter", "tagValue": "Dennis"}])
    [tagged] = asset_ok(create_program(api, "Talk", tags=tags))
    program_id(api, "Untagged")
    found = asset_ok(api.call("GET", "/rest/asset/v1/program/byTag.json",
                              params={"tagType": "Presenter", "tagValue": "Dennis"}))  # fmt: skip
    assert [p["id"] for p in found] == [tagged["id"]]
    assert found[0]["tags"] == [{"tagType": "Presenter", "tagValue": "Dennis"}]
    asset_ok(api.call("GET", "/rest/asset/v1/program/byTag.json", params={"tagType": "Presenter", "tagValue": "X"}),
             [NOT_FOUND])  # fmt: skip
    asset_error(api.call("GET", "/rest/asset/v1/program/byTag.json", params={"tagType": "Presenter"}), "701",
                "tagValue cannot be blank")  # fmt: skip


def test_a_static_list_can_be_created_in_a_folder_made_here(api: Api) -> None:
    [folder] = asset_ok(create_folder(api, "My Lists", {"id": 12, "type": "Folder"}))
    assert folder["folderType"] == "List" and folder["path"] == "/Lead Database/Default/Group Lists/My Lists"
    created = api.call("POST", "/rest/asset/v1/staticLists.json",
                       data={"name": "VIPs", "folder": json.dumps({"id": folder["id"], "type": "Folder"})})  # fmt: skip
    assert created.json()["success"] is True, created.text
    content = asset_ok(api.call("GET", f"/rest/asset/v1/folder/{folder['id']}/content.json", params={"type": "Folder"}))
    assert content == [{"id": created.json()["result"][0]["id"], "type": "StaticList"}]


def test_folder_contents(api: Api) -> None:
    [folder] = asset_ok(create_folder(api, "Box"))
    [inner] = asset_ok(create_folder(api, "Inner", {"id": folder["id"], "type": "Folder"}))
    [program] = asset_ok(create_program(api, "Boxed", {"id": folder["id"], "type": "Folder"}))
    path = f"/rest/asset/v1/folder/{folder['id']}/content.json"
    assert asset_ok(api.call("GET", path, params={"type": "Folder"})) == [
        {"id": inner["id"], "type": "Folder"}, {"id": program["id"], "type": "Program"}]  # fmt: skip
    assert asset_ok(api.call("GET", path, params={"type": "Folder", "offset": 1})) == [
        {"id": program["id"], "type": "Program"}]  # fmt: skip
    asset_ok(api.call("GET", "/rest/asset/v1/folder/99999/content.json", params={"type": "Folder"}), [NOT_FOUND])
