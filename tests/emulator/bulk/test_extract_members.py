"""Bulk program member extract over real HTTP: the same job life as leads, program member and lead fields in
one file, the programId/programIds filters and their documented rules (programIds adds a first column;
unknown status names are 1003 "Invalid Data")."""

from __future__ import annotations

from typing import Any

import httpx

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator._common.tables import program_members, programs
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, sync
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import db, insert

EXPORT = "/bulk/v1/program/members/export"
STAMP = "2026-01-05T00:00:00Z"


def _setup(api: Api, emulator: Emulator) -> tuple[int, int, list[int]]:
    ids = sync(api, [{"email": f"m{n}@example.com", "firstName": f"M{n}"} for n in range(3)])
    with db(emulator) as connection:
        first = insert(connection, programs, name="Webinar", created_at=STAMP, updated_at=STAMP)
        second = insert(connection, programs, name="Nurture", created_at=STAMP, updated_at=STAMP)
        for lead_id, program_id, status in (
            (ids[0], first, "Attended"),
            (ids[1], first, "Member"),
            (ids[2], second, "Member"),
        ):
            insert(
                connection, program_members, program_id=program_id, lead_id=lead_id, progression_status=status,
                acquired_by=False, reached_success=status == "Attended", is_exhausted=False, membership_date=STAMP,
                updated_at=STAMP,
            )  # fmt: skip
    return first, second, ids


def _create(api: Api, body: dict[str, Any]) -> httpx.Response:
    return api.call("POST", f"{EXPORT}/create.json", json=body)


def _completed_file(api: Api, body: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    [job] = assert_success(_create(api, body))["result"]
    export_id = job["exportId"]
    assert_success(api.call("POST", f"{EXPORT}/{export_id}/enqueue.json"))
    api.advance(PAST_EVERYTHING_S)
    [done] = assert_success(api.call("GET", f"{EXPORT}/{export_id}/status.json"))["result"]
    assert done["status"] == "Completed", done
    response = api.call("GET", f"{EXPORT}/{export_id}/file.json")
    assert response.status_code == 200
    return done, response.content


def test_members_of_one_program_with_member_and_lead_fields(api: Api, emulator: Emulator) -> None:
    first, _, ids = _setup(api, emulator)
    body = {"fields": ["leadId", "firstName", "statusName", "reachedSuccess"], "filter": {"programId": first}}
    job, data = _completed_file(api, body)
    assert job["numberOfRecords"] == 2
    assert (
        data
        == f"leadId,firstName,statusName,reachedSuccess\n{ids[0]},M0,Attended,true\n{ids[1]},M1,Member,false\n".encode()
    )


def test_program_ids_add_program_id_as_the_first_column_and_status_names_filter(api: Api, emulator: Emulator) -> None:
    first, second, ids = _setup(api, emulator)
    body = {"fields": ["leadId"], "filter": {"programIds": [first, second], "statusNames": ["Member"]}}
    _, data = _completed_file(api, body)
    assert data == f"programId,leadId\n{first},{ids[1]}\n{second},{ids[2]}\n".encode()


def test_program_member_filter_rules(api: Api, emulator: Emulator) -> None:
    first, second, _ = _setup(api, emulator)
    assert_marketo_error(_create(api, {"fields": ["leadId"]}), "1002", None, "filter")
    assert_marketo_error(_create(api, {"fields": ["leadId"], "filter": {"isExhausted": True}}), "1003")
    both = {"programId": first, "programIds": [second]}
    assert_marketo_error(_create(api, {"fields": ["leadId"], "filter": both}), "1003")
    eleven = {"programIds": list(range(1, 12))}
    assert_marketo_error(_create(api, {"fields": ["leadId"], "filter": eleven}), "1003")
    unknown_status = {"programId": first, "statusNames": ["Nope"]}
    invalid = errors.get("1003").format(variant="invalid_data")
    assert_marketo_error(_create(api, {"fields": ["leadId"], "filter": unknown_status}), "1003", invalid)
    assert_marketo_error(_create(api, {"fields": ["noSuch"], "filter": {"programId": first}}), "1006", None, "noSuch")
    updated = {"programId": first, "updatedAt": {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-10T00:00:00Z"}}
    assert_marketo_error(_create(api, {"fields": ["leadId"], "filter": updated}), "1035")


def test_lead_and_member_jobs_share_one_queue(api: Api, emulator: Emulator) -> None:
    first, _, _ = _setup(api, emulator)
    lead_body = {"fields": ["email"], "filter": {"staticListName": "none"}}
    for _ in range(9):
        [job] = assert_success(api.call("POST", "/bulk/v1/leads/export/create.json", json=lead_body))["result"]
        assert_success(api.call("POST", f"/bulk/v1/leads/export/{job['exportId']}/enqueue.json"))
    ids = []
    for _ in range(2):
        [job] = assert_success(_create(api, {"fields": ["leadId"], "filter": {"programId": first}}))["result"]
        ids.append(job["exportId"])
    assert_success(api.call("POST", f"{EXPORT}/{ids[0]}/enqueue.json"))
    too_many = api.call("POST", f"{EXPORT}/{ids[1]}/enqueue.json")
    assert_marketo_error(too_many, "1029", errors.get("1029").format())
    # a member job is not a lead job: the lead endpoints do not know it
    assert_marketo_error(api.call("GET", f"/bulk/v1/leads/export/{ids[0]}/status.json"), "1013")
