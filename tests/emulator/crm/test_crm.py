"""Companies, opportunities, opportunity roles, sales persons and named accounts over HTTP: describe, sync,
query (with paging and compound keys), delete, and the codes 1036, 1013, 1017, 1018, 718, 603."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.conftest import Api, assert_marketo_error, assert_success

OBJECTS = {
    "companies": ("id", ["externalCompanyId"], "externalCompanyId"),
    "opportunities": ("marketoGUID", ["externalOpportunityId"], "externalOpportunityId"),
    "opportunities/roles": ("marketoGUID", ["externalOpportunityId", "leadId", "role"], None),
    "salespersons": ("id", ["externalSalesPersonId"], "externalSalesPersonId"),
    "namedaccounts": ("marketoGUID", ["name"], "name"),
}


def sync(api: Api, stem: str, records: list[Any], *, token: str | None = None, **options: Any) -> httpx.Response:
    return api.call("POST", f"/rest/v1/{stem}.json", json={**options, "input": records}, token=token)


def sync_ok(api: Api, stem: str, records: list[Any], **options: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = assert_success(sync(api, stem, records, **options))["result"]
    return result


def reason(result: dict[str, Any]) -> tuple[str, str]:
    assert result["status"] == "skipped", result
    [only] = result["reasons"]
    return only["code"], only["message"]


def query(api: Api, stem: str, filter_type: str, values: str, **params: Any) -> dict[str, Any]:
    response = api.call("GET", f"/rest/v1/{stem}.json", params={"filterType": filter_type, "filterValues": values,
                                                                  **params})  # fmt: skip
    return assert_success(response)


@pytest.mark.parametrize("stem", list(OBJECTS))
def test_describe_names_id_dedupe_and_searchable_fields(api: Api, stem: str) -> None:
    id_field, dedupe, _ = OBJECTS[stem]
    [described] = assert_success(api.call("GET", f"/rest/v1/{stem}/describe.json"))["result"]
    assert described["idField"] == id_field
    assert described["dedupeFields"] == dedupe
    assert dedupe in described["searchableFields"] or [dedupe[0]] in described["searchableFields"]
    names = {f["name"] for f in described["fields"]}
    assert {id_field, "createdAt", "updatedAt", *dedupe} <= names


def test_company_sync_query_delete_round_trip(api: Api) -> None:
    created = sync_ok(api, "companies", [{"externalCompanyId": "C1", "company": "Google"},
                                          {"externalCompanyId": "C2", "company": "Yahoo"}])  # fmt: skip
    assert [(r["seq"], r["status"]) for r in created] == [(0, "created"), (1, "created")]
    ids = [r["id"] for r in created]
    updated = sync_ok(api, "companies", [{"externalCompanyId": "C1", "industry": "Search"}])
    assert updated == [{"seq": 0, "status": "updated", "id": ids[0]}]

    body = query(api, "companies", "id", f"{ids[0]},{ids[1]}", fields="company,industry")
    assert body["result"] == [
        {"seq": 0, "id": ids[0], "company": "Google", "industry": "Search"},
        {"seq": 1, "id": ids[1], "company": "Yahoo"},
    ]
    default = query(api, "companies", "externalCompanyId", "C2")["result"]
    assert list(default[0]) == ["seq", "id", "externalCompanyId", "updatedAt", "createdAt"]

    deleted = assert_success(
        api.call(
            "POST",
            "/rest/v1/companies/delete.json",
            json={"deleteBy": "dedupeFields", "input": [{"externalCompanyId": "C1"}]},
        )
    )
    assert deleted["result"] == [{"seq": 0, "id": ids[0], "status": "deleted"}]
    assert query(api, "companies", "externalCompanyId", "C1")["result"] == []


def test_duplicate_key_in_one_input_is_1036(api: Api) -> None:
    result = sync_ok(api, "companies", [{"externalCompanyId": "D"}, {"externalCompanyId": "D", "company": "x"}])
    assert result[0]["status"] == "created"
    assert result[1]["seq"] == 1
    assert reason(result[1]) == ("1036", "Duplicate object found in input")


def test_update_and_delete_of_a_missing_record_is_1013_record_not_found(api: Api) -> None:
    [result] = sync_ok(api, "salespersons", [{"externalSalesPersonId": "nobody"}], action="updateOnly")
    assert reason(result) == ("1013", "Record not found")
    body = assert_success(api.call("POST", "/rest/v1/namedaccounts/delete.json", json={"input": [{"name": "none"}]}))
    assert body["result"] == [{"seq": 0, "status": "skipped",
                               "reasons": [{"code": "1013", "message": "Record not found"}]}]  # fmt: skip
    by_id = assert_success(api.call("POST", "/rest/v1/companies/delete.json",
                                    json={"deleteBy": "idField", "input": [{"id": 999999}]}))  # fmt: skip
    assert reason(by_id["result"][0]) == ("1013", "Record not found")


def test_create_only_of_an_existing_record_is_1017(api: Api) -> None:
    sync_ok(api, "namedaccounts", [{"name": "Acme"}])
    [result] = sync_ok(api, "namedaccounts", [{"name": "Acme"}], action="createOnly")
    assert reason(result) == ("1017", "Object already exists")


def test_update_by_id_field(api: Api) -> None:
    [made] = sync_ok(api, "namedaccounts", [{"name": "Acme", "city": "Paris"}])
    guid = made["marketoGUID"]
    [result] = sync_ok(api, "namedaccounts", [{"marketoGUID": guid, "city": "Lyon"}], action="updateOnly",
                       dedupeBy="idField")  # fmt: skip
    assert result == {"seq": 0, "status": "updated", "marketoGUID": guid}
    assert query(api, "namedaccounts", "marketoGUID", guid, fields="city")["result"][0]["city"] == "Lyon"
    assert_marketo_error(sync(api, "namedaccounts", [{"marketoGUID": guid}], dedupeBy="idField"), "1003")


def test_bad_values_and_unknown_fields_are_skipped(api: Api) -> None:
    result = sync_ok(api, "companies", [{"externalCompanyId": "E", "numberOfEmployees": "many"},
                                         {"externalCompanyId": "F", "color": "red"}, {"company": "no key"}])  # fmt: skip
    assert reason(result[0]) == ("1003", "Invalid value for field 'numberOfEmployees' and value 'many'")
    assert reason(result[1]) == ("1006", "Field 'color' not found")
    assert reason(result[2]) == ("1002", "Missing value for the required parameter 'externalCompanyId'")


def test_native_crm_sync_refuses_writes_with_1018(api: Api) -> None:
    sync_ok(api, "companies", [{"externalCompanyId": "K"}])
    api.admin("PUT", "/settings", json={"native_crm_sync": True})
    for stem in ("companies", "opportunities", "opportunities/roles", "salespersons"):
        assert_marketo_error(sync(api, stem, [{"externalCompanyId": "K"}]), "1018", "CRM Enabled")
        response = api.call("POST", f"/rest/v1/{stem}/delete.json", json={"input": [{"externalCompanyId": "K"}]})
        assert_marketo_error(response, "1018", "CRM Enabled")
    assert len(query(api, "companies", "externalCompanyId", "K")["result"]) == 1  # reads still work
    assert sync_ok(api, "namedaccounts", [{"name": "ABM"}])[0]["status"] == "created"  # not a CRM object


def test_opportunity_roles_are_unavailable_with_native_crm_sync_1018(api: Api) -> None:
    """Opportunity Role APIs are available only without a native CRM sync: with one, reads answer 1018 too (the
    opportunities themselves stay readable)."""
    lead = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "o@example.com"}]}))
    lead_id = lead["result"][0]["id"]
    sync_ok(api, "opportunities", [{"externalOpportunityId": "O3", "name": "Deal"}])
    [role] = sync_ok(api, "opportunities/roles", [{"externalOpportunityId": "O3", "leadId": lead_id, "role": "Buyer"}])
    assert role["status"] == "created"
    api.admin("PUT", "/settings", json={"native_crm_sync": True})
    get = api.call("GET", "/rest/v1/opportunities/roles.json",
                   params={"filterType": "externalOpportunityId", "filterValues": "O3"})  # fmt: skip
    assert_marketo_error(get, "1018", "CRM Enabled")
    compound = api.call("POST", "/rest/v1/opportunities/roles.json", params={"_method": "GET"}, json={
        "filterType": "dedupeFields", "input": [{"externalOpportunityId": "O3", "leadId": lead_id, "role": "Buyer"}]})
    assert_marketo_error(compound, "1018", "CRM Enabled")
    assert_marketo_error(api.call("GET", "/rest/v1/opportunities/roles/describe.json"), "1018", "CRM Enabled")
    opportunities = query(api, "opportunities", "externalOpportunityId", "O3", fields="externalOpportunityId,name")
    assert [(o["externalOpportunityId"], o["name"]) for o in opportunities["result"]] == [("O3", "Deal")]
    api.admin("PUT", "/settings", json={"native_crm_sync": False})
    back = query(api, "opportunities/roles", "externalOpportunityId", "O3")["result"]
    assert [(r["marketoGUID"], r["role"]) for r in back] == [(role["marketoGUID"], "Buyer")]  # the data was kept


def test_named_accounts_without_abm_are_703(api: Api) -> None:
    # Named accounts are Marketo ABM; a subscription without that feature refuses the whole API, reads too.
    sync_ok(api, "namedaccounts", [{"name": "Acme"}])
    api.admin("PUT", "/settings", json={"abm_enabled": False})
    feature_off = "The feature is not enabled for the subscription"
    assert_marketo_error(sync(api, "namedaccounts", [{"name": "Beta"}]), "703", feature_off)
    assert_marketo_error(api.call("GET", "/rest/v1/namedaccounts/describe.json"), "703", feature_off)
    assert_marketo_error(api.call("GET", "/rest/v1/namedaccountlists.json", params={"filterType": "name",
                                                                                      "filterValues": "x"}), "703", feature_off)
    assert len(query(api, "companies", "company", "none")["result"]) == 0  # other objects are untouched
    api.admin("PUT", "/settings", json={"abm_enabled": True})
    assert len(query(api, "namedaccounts", "name", "Acme")["result"]) == 1  # the data was kept


def test_opportunity_with_an_unknown_sales_person_is_718(api: Api) -> None:
    record = {"externalOpportunityId": "O1", "name": "Deal", "externalSalesPersonId": "sp-9"}
    body = assert_marketo_error(sync(api, "opportunities", [record]), "718", "ExternalSalesPersonID not found")
    assert "result" not in body
    sync_ok(api, "salespersons", [{"externalSalesPersonId": "sp-9", "email": "rep@example.com"}])
    assert sync_ok(api, "opportunities", [record])[0]["status"] == "created"
    assert query(api, "opportunities", "externalSalesPersonId", "sp-9")["result"][0]["externalOpportunityId"] == "O1"


def test_opportunity_roles_compound_key_query_by_method_override(api: Api) -> None:
    lead = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "r@example.com"}]}))
    lead_id = lead["result"][0]["id"]
    sync_ok(api, "opportunities", [{"externalOpportunityId": "O2", "name": "Deal"}])
    roles = sync_ok(api, "opportunities/roles", [
        {"externalOpportunityId": "O2", "leadId": lead_id, "role": "Captain"},
        {"externalOpportunityId": "O2", "leadId": lead_id, "role": "Captain"},
        {"externalOpportunityId": "nope", "leadId": lead_id, "role": "Crew"},
        {"externalOpportunityId": "O2", "leadId": 987654, "role": "Crew"},
    ])  # fmt: skip
    assert roles[0]["status"] == "created"
    assert reason(roles[1])[0] == "1036"
    assert reason(roles[2]) == ("1013", "Object not found")
    assert reason(roles[3]) == ("1004", "Lead not found")
    found = assert_success(api.call("POST", "/rest/v1/opportunities/roles.json", params={"_method": "GET"}, json={
        "filterType": "dedupeFields", "fields": ["marketoGUID", "role", "leadId"],
        "input": [{"externalOpportunityId": "O9", "leadId": 1, "role": "x"},
                  {"externalOpportunityId": "O2", "leadId": lead_id, "role": "Captain"}],
    }))  # fmt: skip
    assert found["result"] == [{"seq": 1, "marketoGUID": roles[0]["marketoGUID"], "role": "Captain",
                                "leadId": lead_id}]  # fmt: skip


def test_query_pages_with_next_page_token(api: Api) -> None:
    sync_ok(api, "salespersons", [{"externalSalesPersonId": f"s{i}", "email": "team@example.com"} for i in range(5)])
    first = query(api, "salespersons", "email", "team@example.com", batchSize=2)
    assert first["moreResult"] is True and len(first["result"]) == 2
    seen = [r["externalSalesPersonId"] for r in first["result"]]
    token = first["nextPageToken"]
    while token:
        page = query(api, "salespersons", "email", "team@example.com", batchSize=2, nextPageToken=token)
        seen += [r["externalSalesPersonId"] for r in page["result"]]
        token = page.get("nextPageToken")
    assert seen == [f"s{i}" for i in range(5)]


def test_query_errors(api: Api) -> None:
    missing = api.call("GET", "/rest/v1/companies.json", params={"filterValues": "x"})
    assert_marketo_error(missing, "1002", None, "filterType")
    assert_marketo_error(api.call("GET", "/rest/v1/companies.json", params={"filterType": "industry",
                                                                            "filterValues": "x"}), "1011", None,
                         "industry")  # fmt: skip
    assert_marketo_error(api.call("GET", "/rest/v1/companies.json", params={"filterType": "nope",
                                                                            "filterValues": "x"}), "1006", None, "nope")  # fmt: skip


def test_a_role_without_the_permission_is_603(api: Api) -> None:
    created = api.admin("POST", "/users", json={"permissions": ["Read-Only Company"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    assert_success(api.call("GET", "/rest/v1/companies/describe.json", token=token))
    assert_marketo_error(sync(api, "companies", [{"externalCompanyId": "P"}], token=token), "603", "Access denied")
    assert_marketo_error(api.call("GET", "/rest/v1/opportunities/describe.json", token=token), "603")


@pytest.mark.parametrize("stem", ["companies", "opportunities", "namedaccounts"])
def test_schema_fields_by_name_and_paged(api: Api, stem: str) -> None:
    names: list[str] = []
    params: dict[str, Any] = {"batchSize": 5}
    while True:
        body = assert_success(api.call("GET", f"/rest/v1/{stem}/schema/fields.json", params=params))
        names += [f["name"] for f in body["result"]]
        if not body.get("moreResult"):
            break
        params["nextPageToken"] = body["nextPageToken"]
    assert len(names) == len(set(names)) > 5
    first = names[1]
    [field] = assert_success(api.call("GET", f"/rest/v1/{stem}/schema/fields/{first}.json"))["result"]
    assert field["name"] == first and field["isCustom"] is False
    assert_marketo_error(api.call("GET", f"/rest/v1/{stem}/schema/fields/nope.json"), "1006", "Field 'nope' not found")


def test_named_account_lists_and_membership(api: Api) -> None:
    made = sync_ok(api, "namedaccountlists", [{"name": "SaaS"}, {"name": "SaaS"}])  # createOnly by default
    assert made[0]["status"] == "created" and reason(made[1])[0] == "1036"
    list_guid = made[0]["marketoGUID"]
    [again] = sync_ok(api, "namedaccountlists", [{"name": "SaaS"}])
    assert reason(again) == ("1017", "Object already exists")
    renamed = sync_ok(api, "namedaccountlists", [{"marketoGUID": list_guid, "name": "SaaS 2"}], action="updateOnly",
                      dedupeBy="idField")  # fmt: skip
    assert renamed == [{"seq": 0, "status": "updated", "marketoGUID": list_guid}]
    [found] = query(api, "namedaccountlists", "dedupeFields", "SaaS 2", fields="name,type")["result"]
    assert found == {"seq": 0, "marketoGUID": list_guid, "name": "SaaS 2", "type": "default"}

    accounts = [r["marketoGUID"] for r in sync_ok(api, "namedaccounts", [{"name": f"Acct {i}"} for i in range(3)])]
    members = f"/rest/v1/namedaccountlist/{list_guid}/namedaccounts.json"
    added = assert_success(api.call("POST", members, json={"input": [{"marketoGUID": g} for g in accounts]
                                                           + [{"marketoGUID": "missing"}]}))["result"]  # fmt: skip
    assert [r["status"] for r in added] == ["added", "added", "added", "skipped"]
    assert reason(added[3]) == ("1013", "Record not found")
    first = assert_success(api.call("GET", members, params={"batchSize": 2}))
    assert [r["name"] for r in first["result"]] == ["Acct 0", "Acct 1"] and first["moreResult"] is True
    rest = assert_success(api.call("GET", members, params={"batchSize": 2, "nextPageToken": first["nextPageToken"]}))
    assert [r["name"] for r in rest["result"]] == ["Acct 2"]
    removed = assert_success(api.call("POST", f"/rest/v1/namedaccountlist/{list_guid}/namedaccounts/remove.json",
                                      json={"input": [{"marketoGUID": accounts[0]}, {"marketoGUID": accounts[0]}]}))  # fmt: skip
    assert removed["result"][0] == {"seq": 0, "marketoGUID": accounts[0], "status": "removed"}
    assert reason(removed["result"][1]) == ("1013", "Record not found")
    assert_marketo_error(api.call("GET", "/rest/v1/namedaccountlist/nope/namedaccounts.json"), "1013",
                         "Record not found")  # fmt: skip
    deleted = assert_success(api.call("POST", "/rest/v1/namedaccountlists/delete.json",
                                      json={"deleteBy": "idField", "input": [{"marketoGUID": list_guid}]}))  # fmt: skip
    assert deleted["result"] == [{"seq": 0, "marketoGUID": list_guid, "status": "deleted"}]
