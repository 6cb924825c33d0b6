"""Sync Leads over real HTTP: actions, lookup fields, partitions and every record-level code it answers."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from mkto.emulator._common.tables import activities
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import LEADS, by_filter, created_ids, db, one_reason, sync, sync_ok, user_token


def test_recorded_create_then_update_by_id(api: Api) -> None:
    # recordings/grouparoo.json: createOrUpdate by email, then updateOnly by id.
    body = assert_success(sync(api, [{"email": "brian@bleonard.com", "firstName": "Brian"}], lookupField="email",
                               action="createOrUpdate"))  # fmt: skip
    assert list(body) == ["requestId", "result", "success"]
    [created] = body["result"]
    assert created == {"id": created["id"], "status": "created"}
    update = {"email": "brian@bleonard.com", "id": created["id"], "firstName": "John", "lastName": "Smith"}
    assert sync_ok(api, [update], lookupField="id", action="updateOnly") == [{"id": created["id"], "status": "updated"}]
    [lead] = assert_success(by_filter(api, "email", "brian@bleonard.com"))["result"]
    assert list(lead) == ["id", "firstName", "lastName", "email", "updatedAt", "createdAt"]
    assert (lead["firstName"], lead["lastName"]) == ("John", "Smith")


def test_default_action_is_create_or_update_by_email(api: Api) -> None:
    [first] = sync_ok(api, [{"email": "a@example.com"}])
    [second] = sync_ok(api, [{"email": "A@Example.com", "firstName": "Ann"}])
    assert second == {"id": first["id"], "status": "updated"}


def test_results_keep_input_order(api: Api) -> None:
    created_ids(api, [{"email": "old@example.com"}])
    result = sync_ok(api, [{"email": "new1@example.com"}, {"email": "old@example.com"}, {"email": "bad"},
                           {"email": "new2@example.com"}])  # fmt: skip
    assert [r["status"] for r in result] == ["created", "updated", "skipped", "created"]


def test_1003_leads_not_specified(api: Api) -> None:
    assert_marketo_error(sync(api, []), "1003", "Leads not specified")
    assert_marketo_error(api.call("POST", LEADS, json={"action": "createOnly"}), "1003", "Leads not specified")


def test_1003_more_than_300_records(api: Api) -> None:
    records = [{"email": f"u{i}@example.com"} for i in range(301)]
    assert_marketo_error(sync(api, records), "1003", "Invalid data")
    assert len(sync_ok(api, records[:300])) == 300


@pytest.mark.parametrize("action", ["createOnly", "createOrUpdate", "createDuplicate"])
def test_1003_id_without_update_only(api: Api, action: str) -> None:
    [result] = sync_ok(api, [{"id": 5, "email": "x@example.com"}], action=action)
    assert one_reason(result) == ("1003", "Invalid data")


def test_1003_invalid_field_value_recorded_message(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "brian2@bleonard.com", "firstName": "Evan"}])
    result = sync_ok(api, [{"email": "brian2@bleonard.com", "id": lead_id, "firstName": "Maria",
                            "boolean_field": "other"}], lookupField="id", action="updateOnly")  # fmt: skip
    assert one_reason(result[0]) == ("1003", "Invalid value for field 'boolean_field' and value 'other'")


def test_1004_update_only_not_found(api: Api) -> None:
    [result] = sync_ok(api, [{"email": "nobody@example.com"}], action="updateOnly")
    assert one_reason(result) == ("1004", "Lead not found")
    [by_id] = sync_ok(api, [{"id": 424242, "firstName": "X"}], action="updateOnly", lookupField="id")
    assert one_reason(by_id) == ("1004", "Lead not found")


def test_1005_create_only_exists(api: Api) -> None:
    created_ids(api, [{"email": "dup@example.com"}])
    [result] = sync_ok(api, [{"email": "dup@example.com"}], action="createOnly")
    assert one_reason(result) == ("1005", "Lead already exists")


def test_1006_unknown_field(api: Api) -> None:
    [result] = sync_ok(api, [{"email": "f@example.com", "favouriteColour": "blue"}])
    assert one_reason(result) == ("1006", "Field 'favouriteColour' not found")


def test_1006_unknown_lookup_field(api: Api) -> None:
    [result] = sync_ok(api, [{"email": "f@example.com", "userId": "7"}], lookupField="userId")
    assert one_reason(result) == ("1006", "Lookup field 'userId' not found")


def test_1007_multiple_leads_match(api: Api) -> None:
    created_ids(api, [{"email": "twin@example.com"}, {"email": "twin@example.com"}], action="createDuplicate")
    [result] = sync_ok(api, [{"email": "twin@example.com", "firstName": "T"}])
    assert one_reason(result) == ("1007", "Multiple leads match the lookup criteria")
    [update] = sync_ok(api, [{"email": "twin@example.com"}], action="updateOnly")
    assert one_reason(update)[0] == "1007"


@pytest.mark.parametrize("lookup", ["createdAt", "firstName", "leadPartitionId"])
def test_1011_unsupported_lookup_field(api: Api, lookup: str) -> None:
    [result] = sync_ok(api, [{"email": "l@example.com", "firstName": "L"}], lookupField=lookup)
    assert one_reason(result) == ("1011", f"Lookup field '{lookup}' not supported")


def test_1011_id_lookup_needs_update_only(api: Api) -> None:
    [result] = sync_ok(api, [{"email": "l@example.com"}], lookupField="id", action="createOrUpdate")
    assert one_reason(result) == ("1011", "Lookup field 'id' not supported")


def test_custom_lookup_field(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "c@example.com", "integer_field": 77}])
    assert sync_ok(api, [{"integer_field": 77, "firstName": "C"}], lookupField="integer_field") == [
        {"id": lead_id, "status": "updated"}
    ]


def test_1002_update_only_without_lookup_value(api: Api) -> None:
    [result] = sync_ok(api, [{"firstName": "NoKey"}], action="updateOnly")
    assert one_reason(result) == ("1002", "Missing value for the required parameter 'email'")


def test_1001_bad_action(api: Api) -> None:
    assert_marketo_error(sync(api, [{"email": "a@example.com"}], action="upsert"), "1001",
                         "Invalid value 'upsert'. Required of type 'action'")  # fmt: skip
    assert_marketo_error(sync(api, [{"email": "a@example.com"}], lookupField=7), "1001",
                         "Invalid value '7'. Required of type 'String'")  # fmt: skip


def test_1021_company_fields_of_a_linked_lead(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "co@example.com", "company": "Acme"}])  # not linked: allowed
    assert sync_ok(api, [{"email": "co@example.com", "externalCompanyId": "ACME-1"}]) == [
        {"id": lead_id, "status": "updated"}
    ]
    [result] = sync_ok(api, [{"email": "co@example.com", "company": "Acme Corp", "billingCity": "Paris"}])
    assert one_reason(result) == ("1021", "Company update not allowed")
    [new] = sync_ok(api, [{"email": "co2@example.com", "externalCompanyId": "ACME-1", "company": "Acme"}])
    assert one_reason(new) == ("1021", "Company update not allowed")


def test_read_only_fields_are_ignored(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "ro@example.com", "createdAt": "2001-01-01T00:00:00Z",
                                   "updatedAt": "2001-01-01T00:00:00Z", "mktoName": "Ignored"}])  # fmt: skip
    [lead] = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json"))["result"]
    assert not lead["createdAt"].startswith("2001")


def test_create_duplicate_and_async_processing(api: Api) -> None:
    ids = created_ids(api, [{"email": "d@example.com"}, {"email": "d@example.com"}], action="createDuplicate",
                      asyncProcessing=True)  # fmt: skip
    assert len(set(ids)) == 2


def test_timestamps_come_from_the_virtual_clock(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2021-11-23T22:57:08Z"})
    [lead_id] = created_ids(api, [{"email": "clock@example.com"}])
    api.advance(10)
    sync_ok(api, [{"email": "clock@example.com", "firstName": "Later"}])
    [lead] = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json"))["result"]
    assert (lead["createdAt"], lead["updatedAt"]) == ("2021-11-23T22:57:08Z", "2021-11-23T22:57:18Z")


# --- partitions -----------------------------------------------------------------------------------


def test_partition_name_places_new_leads(api: Api) -> None:
    token = user_token(api, partitions=["Default", "Europe"])
    [result] = assert_success(sync(api, [{"email": "eu@example.com"}], partitionName="Europe", token=token))["result"]
    lead = assert_success(api.call("GET", f"/rest/v1/lead/{result['id']}.json", params={"fields": "leadPartitionId"}))
    partitions = assert_success(api.call("GET", "/rest/v1/leads/partitions.json"))["result"]
    europe = next(p["id"] for p in partitions if p["name"] == "Europe")
    assert lead["result"] == [{"id": result["id"], "leadPartitionId": europe}]


def test_1008_partition_the_user_cannot_use(api: Api) -> None:
    token = user_token(api, partitions=["Default"])
    [result] = assert_success(sync(api, [{"email": "p@example.com"}], partitionName="Europe", token=token))["result"]
    assert one_reason(result) == ("1008", "Access denied to partition 'Europe'")


def test_1008_lead_in_a_partition_the_user_cannot_reach(api: Api) -> None:
    europe = user_token(api, partitions=["Europe"])
    created = assert_success(sync(api, [{"email": "hidden@example.com"}], token=europe))["result"]
    assert created[0]["status"] == "created"
    default_only = user_token(api, partitions=["Default"])
    [result] = assert_success(sync(api, [{"email": "hidden@example.com", "firstName": "X"}], token=default_only))["result"]
    assert one_reason(result) == ("1008", "Access denied to partition 'Europe'")
    assert assert_success(by_filter(api, "email", "hidden@example.com"))["result"] != []
    assert assert_success(by_filter(api, "email", "hidden@example.com", token=default_only))["result"] == []


def test_1009_partition_name_must_be_specified(api: Api) -> None:
    token = user_token(api, partitions=["Default", "Europe"])
    [result] = assert_success(sync(api, [{"email": "new@example.com"}], token=token))["result"]
    assert one_reason(result) == ("1009", "Partition name must be specified")
    # an existing lead needs no partition name
    created_ids(api, [{"email": "known@example.com"}])
    [update] = assert_success(sync(api, [{"email": "known@example.com", "firstName": "K"}], token=token))["result"]
    assert update["status"] == "updated"


def test_1010_lead_exists_in_another_partition(api: Api) -> None:
    token = user_token(api, partitions=["Default", "Europe"])
    created_ids(api, [{"email": "moved@example.com"}])  # Default
    [result] = assert_success(
        sync(api, [{"email": "moved@example.com", "firstName": "M"}], partitionName="Europe", token=token)
    )["result"]
    assert one_reason(result) == ("1010", "Partition update not allowed")


def test_1003_partition_name_with_update_only(api: Api) -> None:
    assert_marketo_error(sync(api, [{"email": "a@example.com"}], action="updateOnly", partitionName="Default"),
                         "1003", "Invalid data")  # fmt: skip


def test_605_get_is_filter_not_sync(api: Api) -> None:
    # GET on leads.json is Get Leads by Filter Type; a PUT is not supported at all.
    response = api.call("PUT", LEADS, json={"input": []})
    body: dict[str, Any] = response.json()
    assert body["errors"][0]["code"] == "605"


def test_update_lead_partition(api: Api) -> None:
    token = user_token(api, partitions=["Default", "Europe"])
    [lead_id] = created_ids(api, [{"email": "mover@example.com"}])
    body = assert_success(api.call("POST", "/rest/v1/leads/partitions.json", token=token,
                                   json={"input": [{"id": lead_id, "partitionName": "Europe"}]}))  # fmt: skip
    assert body["result"] == [{"id": lead_id, "status": "updated"}]
    [result] = assert_success(sync(api, [{"email": "mover@example.com"}], partitionName="Default", token=token))["result"]
    assert one_reason(result) == ("1010", "Partition update not allowed")


def test_1008_unknown_partition(api: Api) -> None:
    [result] = sync_ok(api, [{"email": "p@example.com"}], partitionName="Nowhere")
    assert one_reason(result) == ("1008", "Access denied to partition 'Nowhere'")


def test_a_batch_sees_what_its_earlier_records_did(api: Api, emulator: Any) -> None:
    # One call writes its batch at once; each record still sees the leads the earlier ones created or changed.
    created_ids(api, [{"email": "twin@example.com"}, {"email": "twin@example.com"}], action="createDuplicate")
    result = sync_ok(api, [
        {"email": "batch@example.com", "firstName": "Ann"}, {"email": "BATCH@example.com", "lastName": "Lee"},
        {"email": "other@example.com"}, {"email": "batch@example.com", "firstName": None},
        {"email": "twin@example.com"}, {"email": "fresh@example.com"},
    ])  # fmt: skip
    first = result[0]["id"]
    assert result[:4] == [{"id": first, "status": "created"}, {"id": first, "status": "updated"},
                          {"id": first + 1, "status": "created"}, {"id": first, "status": "updated"}]  # fmt: skip
    assert one_reason(result[4])[0] == "1007"
    assert result[5] == {"id": first + 2, "status": "created"}
    [lead] = assert_success(by_filter(api, "email", "batch@example.com", fields="firstName,lastName"))["result"]
    assert (lead["firstName"], lead["lastName"]) == (None, "Lee")
    with db(emulator) as connection:
        rows = connection.execute(
            sa.select(activities.c.type_id, activities.c.primary_attribute_value)
            .where(activities.c.lead_id == first).order_by(activities.c.id)
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        (12, None), (13, "Email Address"), (13, "Last Name"), (13, "Email Address"), (13, "First Name"),
    ]  # New Lead, then each record's changes in order (the email's case too)
    [again] = sync_ok(api, [{"email": "batch@example.com"}, {"email": "batch@example.com"}], action="createOnly")[:1]
    assert one_reason(again)[0] == "1005"


def test_create_only_sees_a_lead_created_earlier_in_the_batch(api: Api) -> None:
    first, second = sync_ok(api, [{"email": "once@example.com"}, {"email": "Once@Example.com"}], action="createOnly")
    assert first["status"] == "created"
    assert one_reason(second)[0] == "1005"
