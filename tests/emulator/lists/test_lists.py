"""Static lists over real HTTP: Lead Database membership and paging, Asset API create/get/delete, and the codes
1004, 1013, 1014, 1015, 709 (duplicate name), 710, 711 (an Email folder), 1022, 1003, 701/1002."""

from __future__ import annotations

import json

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator.lists import lock_list
from tests.emulator.activities.helpers import (
    activities,
    add,
    assert_asset_success,
    create_list,
    leads,
    new_list,
)
from tests.emulator.conftest import Api, assert_marketo_error, assert_success

NOT_FOUND_WARNING = "No assets found for the given search criteria."  # as recorded from a real instance
ADD_TO_LIST, REMOVE_FROM_LIST = 24, 25


def reason(code: str, *args: object) -> list[dict[str, str]]:
    return [{"code": code, "message": errors.get(code).format(*args)}]


def test_create_static_list_answers_the_recorded_asset_shape(api: Api) -> None:
    body = assert_asset_success(create_list(api, "(test) High Value"))
    [record] = body["result"]
    assert list(record) == ["id", "name", "createdAt", "updatedAt", "folder", "computedUrl", "workspace"]
    assert record["name"] == "(test) High Value"
    assert record["folder"] == {"id": 12, "type": "Folder"}
    assert record["createdAt"].endswith("Z+0000")
    assert body["warnings"] == []


def test_duplicate_name_is_709_in_the_asset_envelope(api: Api) -> None:
    new_list(api, "Twice")
    assert_marketo_error(create_list(api, "Twice"), "709", asset=True)


def test_unknown_folder_is_710(api: Api) -> None:
    assert_marketo_error(create_list(api, "L", {"type": "Folder", "id": 99999}), "710", asset=True)
    assert_marketo_error(create_list(api, "L", {"type": "Program", "id": 99999}), "710", asset=True)


def test_list_in_a_program_folder_carries_the_program_name(api: Api) -> None:
    list_id = new_list(api, "In Program", {"type": "Program", "id": 1001})
    body = assert_success(api.call("GET", f"/rest/v1/lists/{list_id}.json"))
    assert body["result"][0]["programName"] == "Emulator Program"


def test_an_email_folder_refuses_a_static_list_with_711(api: Api) -> None:
    """An Email folder holds only emails and their subfolders: the seeded "Emails" folder (3) and a folder created
    inside it (which keeps its type) refuse a static list; a Marketing Folder takes one."""
    emails = {"type": "Folder", "id": 3}
    assert_marketo_error(create_list(api, "In Emails", emails), "711", "Incompatible Folder Type", asset=True)
    form = {"name": "Newsletters", "parent": json.dumps(emails)}
    sub = assert_asset_success(api.call("POST", "/rest/asset/v1/folders.json", data=form))["result"][0]
    assert sub["folderType"] == "Email"
    sub_ref = {"type": "Folder", "id": sub["folderId"]["id"]}
    assert_marketo_error(create_list(api, "In Newsletters", sub_ref), "711", "Incompatible Folder Type", asset=True)
    content = api.call("GET", f"/rest/asset/v1/folder/{sub_ref['id']}/content.json", params={"type": "Folder"})
    assert content.json()["warnings"] == [NOT_FOUND_WARNING]  # nothing was created
    form = {"name": "Lists", "parent": json.dumps({"type": "Folder", "id": 1})}
    plain = assert_asset_success(api.call("POST", "/rest/asset/v1/folders.json", data=form))["result"][0]
    assert plain["folderType"] == "Marketing Folder"
    made = assert_asset_success(create_list(api, "In Lists", {"type": "Folder", "id": plain["folderId"]["id"]}))
    assert made["result"][0]["folder"] == {"id": plain["folderId"]["id"], "type": "Folder"}


def test_a_name_too_long_to_store_is_1014(api: Api) -> None:
    assert_marketo_error(create_list(api, "x" * 256), "1014", asset=True)


def test_create_without_name_or_folder(api: Api) -> None:
    folder = json.dumps({"type": "Folder", "id": 12})
    response = api.call("POST", "/rest/asset/v1/staticLists.json", data={"folder": folder})
    assert_marketo_error(response, "1002", None, "name", asset=True)
    response = api.call("POST", "/rest/asset/v1/staticLists.json", data={"name": "", "folder": folder})
    assert_marketo_error(response, "701", None, "name", asset=True)
    response = api.call("POST", "/rest/asset/v1/staticLists.json", data={"name": "N"})
    assert_marketo_error(response, "701", None, "folder", asset=True)


def test_add_remove_and_member_of_with_record_level_codes(api: Api) -> None:
    a, b = leads(api, 2)
    list_id = new_list(api)
    assert add(api, list_id, [a, 99999]) == [
        {"id": a, "status": "added"},
        {"id": 99999, "status": "skipped", "reasons": reason("1004")},
    ]
    member = assert_success(
        api.call("GET", f"/rest/v1/lists/{list_id}/leads/ismember.json", params={"id": [a, b, 99999]})
    )
    assert member["result"] == [
        {"id": a, "status": "memberof"},
        {"id": b, "status": "notmemberof"},
        {"id": 99999, "status": "skipped", "reasons": reason("1004")},
    ]
    # comma-separated ids, as the recorded DELETE sends them repeated
    removed = assert_success(api.call("DELETE", f"/rest/v1/lists/{list_id}/leads.json", params={"id": f"{a},{b}"}))
    assert removed["result"] == [
        {"id": a, "status": "removed"},
        {"id": b, "status": "skipped", "reasons": reason("1015")},
    ]


def test_ismember_takes_a_json_body_too(api: Api) -> None:
    [a] = leads(api, 1)
    list_id = new_list(api)
    add(api, list_id, [a])
    response = api.call("GET", f"/rest/v1/lists/{list_id}/leads/ismember.json", json={"input": [{"id": a}]})
    assert assert_success(response)["result"] == [{"id": a, "status": "memberof"}]


def test_unknown_list_is_1013_at_response_level(api: Api) -> None:
    [a] = leads(api, 1)
    assert_marketo_error(api.call("GET", "/rest/v1/lists/424242.json"), "1013")
    assert_marketo_error(api.call("POST", "/rest/v1/lists/424242/leads.json", json={"input": [{"id": a}]}), "1013")
    assert_marketo_error(api.call("DELETE", "/rest/v1/lists/424242/leads.json", params={"id": a}), "1013")
    assert_marketo_error(api.call("GET", "/rest/v1/lists/424242/leads.json"), "1013")
    assert_marketo_error(api.call("GET", "/rest/v1/list/424242/leads.json"), "1013")


def test_no_ids_is_1003_leads_not_specified_and_more_than_300_is_1003(api: Api) -> None:
    list_id = new_list(api)
    response = api.call("POST", f"/rest/v1/lists/{list_id}/leads.json", json={"input": []})
    assert_marketo_error(response, "1003", errors.get("1003").format(variant="leads_not_specified"))
    body = {"input": [{"id": i} for i in range(1, 302)]}
    assert_marketo_error(api.call("POST", f"/rest/v1/lists/{list_id}/leads.json", json=body), "1003")


def test_leads_in_list_pages_across_several_pages_on_both_paths(api: Api) -> None:
    ids = leads(api, 7)
    list_id = new_list(api)
    add(api, list_id, ids)
    for path in (f"/rest/v1/lists/{list_id}/leads.json", f"/rest/v1/list/{list_id}/leads.json"):
        seen: list[int] = []
        params: dict[str, object] = {"batchSize": 3, "fields": "email,firstName"}
        pages = 0
        while True:
            body = assert_success(api.call("GET", path, params=params))
            pages += 1
            seen.extend(r["id"] for r in body["result"])
            assert all(list(r) == ["id", "email", "firstName"] for r in body["result"])
            if not body.get("moreResult"):
                assert "nextPageToken" not in body
                break
            params["nextPageToken"] = body["nextPageToken"]
        assert pages == 3
        assert seen == ids


def test_recorded_legacy_call_with_method_get_in_the_form_body(api: Api) -> None:
    [a] = leads(api, 1)
    list_id = new_list(api)
    add(api, list_id, [a])
    response = api.call(
        "POST", f"/rest/v1/list/{list_id}/leads.json", content=f"listId={list_id}&_method=GET",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    [record] = assert_success(response)["result"]
    assert list(record) == ["id", "firstName", "lastName", "email", "updatedAt", "createdAt"]


def test_get_lists_filters_and_pages(api: Api) -> None:
    for i in range(5):
        new_list(api, f"L{i}")
    first = assert_success(api.call("GET", "/rest/v1/lists.json", params={"batchSize": 2}))
    assert [r["name"] for r in first["result"]] == ["L0", "L1"] and first["moreResult"] is True
    second = assert_success(
        api.call("GET", "/rest/v1/lists.json", params={"batchSize": 2, "nextPageToken": first["nextPageToken"]})
    )
    assert [r["name"] for r in second["result"]] == ["L2", "L3"]
    named = assert_success(api.call("GET", "/rest/v1/lists.json", params={"name": ["L4", "L1"]}))
    assert sorted(r["name"] for r in named["result"]) == ["L1", "L4"]


def test_asset_not_found_is_success_with_a_warning(api: Api) -> None:
    for path, params in (("/rest/asset/v1/staticList/byName.json", {"name": "nope"}),
                         ("/rest/asset/v1/staticList/4242.json", {})):  # fmt: skip
        response = api.call("GET", path, params=params)
        assert response.json() == {
            "success": True, "errors": [], "requestId": response.json()["requestId"], "warnings": [NOT_FOUND_WARNING],
        }  # fmt: skip


def test_asset_get_by_name_and_browse_by_folder(api: Api) -> None:
    list_id = new_list(api, "Seeds", {"type": "Folder", "id": 13})
    new_list(api, "Group")
    by_name = assert_asset_success(api.call("GET", "/rest/asset/v1/staticList/byName.json", params={"name": "Seeds"}))
    assert by_name["result"][0]["id"] == list_id
    folder = json.dumps({"id": 13, "type": "Folder"})
    browsed = assert_asset_success(api.call("GET", "/rest/asset/v1/staticLists.json", params={"folder": folder}))
    assert [r["name"] for r in browsed["result"]] == ["Seeds"]
    window = assert_asset_success(
        api.call("GET", "/rest/asset/v1/staticLists.json", params={"offset": 1, "maxReturn": 1})
    )
    assert [r["name"] for r in window["result"]] == ["Group"]


def test_delete_static_list_then_it_is_gone(api: Api) -> None:
    list_id = new_list(api)
    body = assert_asset_success(api.call("POST", f"/rest/asset/v1/staticList/{list_id}/delete.json"))
    assert body["result"] == [{"id": list_id}]
    assert_marketo_error(api.call("GET", f"/rest/v1/lists/{list_id}.json"), "1013")


def test_a_write_naming_a_list_nothing_has_is_702_a_read_warns(api: Api) -> None:
    """Update and Delete Static List on an id nothing has find no data: 702; Get Static List by Id and by Name
    answer success with the 702 warning string instead (as recorded)."""
    no_data = "No data found for a given search scenario"
    list_id = new_list(api, "Doomed")
    assert_asset_success(api.call("POST", f"/rest/asset/v1/staticList/{list_id}/delete.json"))
    deleted_again = api.call("POST", f"/rest/asset/v1/staticList/{list_id}/delete.json")
    assert_marketo_error(deleted_again, "702", no_data, asset=True)
    updated = api.call("POST", f"/rest/asset/v1/staticList/{list_id}.json", data={"name": "Back"})
    assert_marketo_error(updated, "702", no_data, asset=True)
    for read in (api.call("GET", f"/rest/asset/v1/staticList/{list_id}.json"),
                 api.call("GET", "/rest/asset/v1/staticList/byName.json", params={"name": "Doomed"})):  # fmt: skip
        body = read.json()
        assert body == {"success": True, "errors": [], "requestId": body["requestId"], "warnings": [NOT_FOUND_WARNING]}


def test_a_list_used_by_an_import_cannot_be_deleted_1022(api: Api, emulator: Emulator) -> None:
    list_id = new_list(api)
    with emulator.emulation.store.transaction() as db:
        lock_list(db, list_id, "import:1")
    assert_marketo_error(api.call("POST", f"/rest/asset/v1/staticList/{list_id}/delete.json"), "1022", asset=True)
    assert_success(api.call("GET", f"/rest/v1/lists/{list_id}.json"))


def test_add_and_remove_show_up_as_activities(api: Api) -> None:
    a, b = leads(api, 2)
    list_id = new_list(api, "Tracked")
    add(api, list_id, [a, b, a])
    assert_success(api.call("DELETE", f"/rest/v1/lists/{list_id}/leads.json", params={"id": b}))
    found = activities(api, [ADD_TO_LIST, REMOVE_FROM_LIST])
    assert [(x["leadId"], x["activityTypeId"]) for x in found] == [(a, 24), (b, 24), (b, 25)]
    assert all(x["primaryAttributeValueId"] == list_id and x["primaryAttributeValue"] == "Tracked" for x in found)
    scoped = activities(api, [ADD_TO_LIST, REMOVE_FROM_LIST], listId=list_id)
    assert [x["leadId"] for x in scoped] == [a]  # only current members


def test_a_non_ascii_digit_id_is_1001_not_a_crash(api: Api) -> None:
    # fuzz finding: "¹".isdigit() is true but int("¹") fails
    assert_marketo_error(api.call("GET", "/rest/v1/lists.json", params={"id": "¹"}), "1001", None, "¹", "Integer")
    assert_marketo_error(
        api.call("GET", "/rest/v1/lists.json", params={"batchSize": "²"}), "1001", None, "²", "Integer"
    )


def test_a_list_being_imported_to_over_http_cannot_be_deleted_until_the_import_ends(api: Api) -> None:
    list_id = new_list(api, "Import Target")
    upload = {"file": ("leads.csv", b"email\nimported@example.com\n", "text/csv")}
    response = api.call("POST", "/bulk/v1/leads.json", params={"format": "csv", "listId": list_id}, files=upload)
    batch_id = assert_success(response)["result"][0]["batchId"]
    assert_marketo_error(api.call("POST", f"/rest/asset/v1/staticList/{list_id}/delete.json"), "1022", asset=True)
    api.advance(24 * 3600)  # the import finishes on the virtual clock and lets go of the list
    status = assert_success(api.call("GET", f"/bulk/v1/leads/batch/{batch_id}.json"))["result"][0]["status"]
    assert status == "Complete"
    assert_asset_success(api.call("POST", f"/rest/asset/v1/staticList/{list_id}/delete.json"))


def test_update_static_list_metadata(api: Api) -> None:
    list_id = new_list(api, "Before")
    new_list(api, "Taken")
    body = assert_asset_success(
        api.call("POST", f"/rest/asset/v1/staticList/{list_id}.json", data={"name": "After", "description": "D"})
    )
    assert body["result"][0]["name"] == "After" and body["result"][0]["description"] == "D"
    taken = api.call("POST", f"/rest/asset/v1/staticList/{list_id}.json", data={"name": "Taken"})
    assert_marketo_error(taken, "709", asset=True)
    missing = api.call("POST", "/rest/asset/v1/staticList/4242.json", data={"name": "X"})
    assert_marketo_error(missing, "702", asset=True)


def test_remove_from_list_takes_a_json_body(api: Api) -> None:
    [a] = leads(api, 1)
    list_id = new_list(api)
    add(api, list_id, [a])
    response = api.call("DELETE", f"/rest/v1/lists/{list_id}/leads.json", json={"input": [{"id": a}]})
    assert assert_success(response)["result"] == [{"id": a, "status": "removed"}]
