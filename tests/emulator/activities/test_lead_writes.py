"""Every lead write records its activity, read back over real HTTP: New Lead (sync, push, form, bulk import),
Change Data Value (only for values that changed, also through Get Lead Changes), Delete Lead (Get Deleted
Leads; the lead's history stays), Merge Leads (the losers' history moves to the winner) and Fill Out Form."""

from __future__ import annotations

from typing import Any

from tests.emulator.activities.helpers import activities, add, new_list, paging_token
from tests.emulator.conftest import Api, assert_success

FILL_OUT_FORM = 2
NEW_LEAD = 12
CHANGE_DATA_VALUE = 13
ADD_TO_LIST = 24
MERGE_LEADS = 32
DELETE_LEAD = 37
LEADS = "/rest/v1/leads.json"


def sync(api: Api, records: list[dict[str, Any]], **body: Any) -> dict[str, Any]:
    return assert_success(api.call("POST", LEADS, json={"input": records, **body}))


def created(api: Api, records: list[dict[str, Any]]) -> list[int]:
    result = sync(api, records)["result"]
    assert all(r["status"] == "created" for r in result), result
    return [int(r["id"]) for r in result]


def attributes(activity: dict[str, Any]) -> dict[str, Any]:
    return {a["name"]: a["value"] for a in activity["attributes"]}


def field_ids(api: Api) -> dict[str, int]:
    described = assert_success(api.call("GET", "/rest/v1/leads/describe.json"))["result"]
    return {f["rest"]["name"]: int(f["id"]) for f in described}


def lead_changes(api: Api, fields: str, **params: Any) -> list[dict[str, Any]]:
    query = {"nextPageToken": paging_token(api), "fields": fields, **params}
    return list(assert_success(api.call("GET", "/rest/v1/activities/leadchanges.json", params=query))["result"])


def test_sync_create_records_new_lead(api: Api) -> None:
    [lead_id] = created(api, [{"email": "new@example.com", "firstName": "Nell"}])
    [activity] = activities(api, [NEW_LEAD])
    assert list(activity) == ["id", "marketoGUID", "leadId", "activityDate", "activityTypeId", "attributes"]
    assert activity["leadId"] == lead_id and activity["activityTypeId"] == NEW_LEAD
    assert activity["marketoGUID"] == str(activity["id"])
    assert attributes(activity) == {
        "Created Date": activity["activityDate"][:10], "Source Type": "Web service API", "API Method Name": "syncLead",
    }  # fmt: skip
    assert activities(api, [CHANGE_DATA_VALUE]) == []


def test_sync_update_records_one_change_data_value_per_changed_field(api: Api) -> None:
    [lead_id] = created(api, [{"email": "cdv@example.com", "firstName": "A", "lastName": "X", "title": "Boss"}])
    body = sync(api, [{"email": "cdv@example.com", "firstName": "B", "lastName": "Y", "title": "Boss"}])
    assert body["result"] == [{"id": lead_id, "status": "updated"}]
    ids = field_ids(api)
    changes = activities(api, [CHANGE_DATA_VALUE])
    assert [c["primaryAttributeValueId"] for c in changes] == [ids["firstName"], ids["lastName"]]
    first, last = changes
    assert first["leadId"] == lead_id and first["primaryAttributeValue"] == "First Name"
    assert attributes(first) == {
        "New Value": "B", "Old Value": "A", "Reason": "Web service API", "Source": "Web service API",
        "API Method Name": "syncLead", "Request Id": body["requestId"],
    }  # fmt: skip
    assert attributes(last)["New Value"] == "Y" and attributes(last)["Old Value"] == "X"

    read = lead_changes(api, "firstName,lastName,title")
    assert [r["activityTypeId"] for r in read] == [NEW_LEAD, CHANGE_DATA_VALUE, CHANGE_DATA_VALUE]
    assert read[0]["leadId"] == lead_id and read[0]["fields"] == []
    assert [r["fields"] for r in read[1:]] == [
        [{"id": ids["firstName"], "name": "firstName", "newValue": "B", "oldValue": "A"}],
        [{"id": ids["lastName"], "name": "lastName", "newValue": "Y", "oldValue": "X"}],
    ]
    assert [r["activityTypeId"] for r in lead_changes(api, "title")] == [NEW_LEAD]  # the unchanged field: nothing


def test_an_update_that_changes_nothing_or_is_skipped_records_nothing(api: Api) -> None:
    created(api, [{"email": "same@example.com", "firstName": "Sam"}])
    assert sync(api, [{"email": "same@example.com", "firstName": "Sam"}])["result"][0]["status"] == "updated"
    skipped = sync(api, [{"email": "same@example.com", "firstName": "Other"}], action="createOnly")["result"]
    assert skipped[0]["status"] == "skipped"
    assert activities(api, [CHANGE_DATA_VALUE]) == []
    assert len(activities(api, [NEW_LEAD])) == 1


def test_clearing_and_typed_values_read_back_as_text_or_null(api: Api) -> None:
    [lead_id] = created(api, [{"email": "typed@example.com", "firstName": "Gone", "unsubscribed": False}])
    sync(api, [{"email": "typed@example.com", "firstName": None, "unsubscribed": True}])
    fields = [r["fields"][0] for r in lead_changes(api, "firstName,unsubscribed") if r["activityTypeId"] == 13]
    assert {f["name"]: (f["oldValue"], f["newValue"]) for f in fields} == {
        "firstName": ("Gone", None), "unsubscribed": ("false", "true"),
    }  # fmt: skip
    assert all(r["leadId"] == lead_id for r in activities(api, [CHANGE_DATA_VALUE]))


def test_delete_records_delete_lead_and_keeps_the_lead_history(api: Api) -> None:
    kept, gone = created(api, [{"email": "kept@example.com"}, {"email": "gone@example.com", "firstName": "Dee",
                                                                 "lastName": "Leted"}])  # fmt: skip
    body = assert_success(api.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": gone}]}))
    assert body["result"] == [{"id": gone, "status": "deleted"}]
    query = {"nextPageToken": paging_token(api)}
    [deleted] = assert_success(api.call("GET", "/rest/v1/activities/deletedleads.json", params=query))["result"]
    assert deleted["leadId"] == gone and deleted["activityTypeId"] == DELETE_LEAD
    assert deleted["primaryAttributeValueId"] == gone and deleted["primaryAttributeValue"] == "Dee Leted"
    assert attributes(deleted) == {"Remove from CRM": False, "API Method Name": "deleteLead"}
    history = activities(api, [NEW_LEAD, DELETE_LEAD], leadIds=str(gone))
    assert [a["activityTypeId"] for a in history] == [NEW_LEAD, DELETE_LEAD]
    assert [a["leadId"] for a in activities(api, [DELETE_LEAD])] == [gone]  # not the kept lead
    assert kept != gone


def test_merge_moves_the_losers_activities_to_the_winner_and_records_merge_leads(api: Api) -> None:
    winner, loser = created(api, [{"email": "win@example.com", "firstName": "Win"},
                                  {"email": "lose@example.com", "title": "Chief"}])  # fmt: skip
    list_id = new_list(api)
    add(api, list_id, [loser])
    body = api.call("POST", f"/rest/v1/leads/{winner}/merge.json", params={"leadId": str(loser)})
    assert_success(body)
    history = activities(api, [NEW_LEAD, CHANGE_DATA_VALUE, ADD_TO_LIST, MERGE_LEADS], leadIds=f"{winner},{loser}")
    assert {a["leadId"] for a in history} == {winner}
    assert [a["activityTypeId"] for a in history] == [NEW_LEAD, NEW_LEAD, ADD_TO_LIST, CHANGE_DATA_VALUE, MERGE_LEADS]
    change, merged = history[-2:]
    assert change["primaryAttributeValue"] == "Job Title"
    assert (attributes(change)["Old Value"], attributes(change)["New Value"]) == (None, "Chief")
    assert attributes(change)["API Method Name"] == "mergeLeads"
    assert merged["primaryAttributeValueId"] == winner and merged["primaryAttributeValue"] == "Win"
    assert attributes(merged) == {
        "Merge IDs": str(loser), "Merge Source": "Web service API", "Merged in Sales": False, "Master Updated": True,
    }  # fmt: skip
    assert activities(api, [DELETE_LEAD]) == []  # a merged-away lead is not a deleted lead


def test_submit_form_records_new_lead_fill_out_form_and_changes(api: Api) -> None:
    def submit(first_name: str) -> dict[str, Any]:
        item = {
            "leadFormFields": {"email": "marge@example.com", "firstName": first_name},
            "visitorData": {"pageURL": "https://example.com/lp.html", "queryString": "a=1",
                            "leadClientIpAddress": "192.150.22.5", "userAgentString": "Mozilla/5.0"},
        }  # fmt: skip
        return assert_success(
            api.call("POST", "/rest/v1/leads/submitForm.json", json={"formId": 1029, "input": [item]})
        )

    [first] = submit("Marge")["result"]
    submit("Margaret")
    lead_id = int(first["id"])
    history = activities(api, [FILL_OUT_FORM, NEW_LEAD, CHANGE_DATA_VALUE])
    assert [a["activityTypeId"] for a in history] == [NEW_LEAD, FILL_OUT_FORM, CHANGE_DATA_VALUE, FILL_OUT_FORM]
    assert {a["leadId"] for a in history} == {lead_id}
    assert attributes(history[0])["API Method Name"] == "submitForm"
    assert attributes(history[2])["API Method Name"] == "submitForm"
    form = history[1]
    assert form["primaryAttributeValueId"] == 1029 and form["primaryAttributeValue"] == "1029"
    assert attributes(form) == {
        "Form Fields": '{"email": "marge@example.com", "firstName": "Marge"}', "Client IP Address": "192.150.22.5",
        "Query Parameters": "a=1", "Referrer URL": "https://example.com/lp.html", "User Agent": "Mozilla/5.0",
    }  # fmt: skip


def test_push_lead_records_new_lead(api: Api) -> None:
    body = {"programName": "Nowhere", "input": [{"email": "pushed@example.com"}]}
    assert_success(api.call("POST", "/rest/v1/leads/push.json", json=body))
    [activity] = activities(api, [NEW_LEAD])
    assert attributes(activity)["API Method Name"] == "pushLead"


def test_bulk_import_records_new_lead_and_changes(api: Api) -> None:
    created(api, [{"email": "old@example.com", "firstName": "Old"}])
    data = b"email,firstName\nold@example.com,Renamed\nfresh@example.com,Fresh\n"
    files = {"file": ("leads.csv", data, "text/csv")}
    [job] = assert_success(api.call("POST", "/bulk/v1/leads.json", params={"format": "csv"}, files=files))["result"]
    api.advance(3_600)
    status = assert_success(api.call("GET", f"/bulk/v1/leads/batch/{job['batchId']}.json"))["result"][0]
    assert status["status"] == "Complete", status
    methods = [(a["activityTypeId"], attributes(a)["API Method Name"])
               for a in activities(api, [NEW_LEAD, CHANGE_DATA_VALUE])]  # fmt: skip
    assert methods == [(NEW_LEAD, "syncLead"), (CHANGE_DATA_VALUE, "importLead"), (NEW_LEAD, "importLead")]
