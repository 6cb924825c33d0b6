"""Bulk lead extract over real HTTP: the job's life on the virtual clock, the file (checksum, Range resume,
404 plain text), who sees a job, and every error create and enqueue answer (1002, 1003, 1006, 1029 x3, 1035)."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
import pytest

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator._common.tables import list_members, static_lists
from mkto.emulator.bulk._model import quota_text
from tests.emulator.bulk.conftest import (
    EXPORT,
    PAST_EVERYTHING_S,
    completed_export,
    create_export,
    export_call,
    export_job,
    export_ok,
    lead_export,
    sync,
    today_range,
)
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import db, insert, user_token

PEOPLE = [
    {"email": "able@example.com", "firstName": "Able", "lastName": "Baker"},
    {"email": "charlie@example.com", "firstName": "Charlie"},
    {"email": "easy@example.com", "firstName": "Easy", "lastName": "Fox, Jr."},
]


def _file(api: Api, export_id: str, **headers: str) -> bytes:
    response = export_call(api, export_id, "file", headers=headers)
    assert response.status_code in (200, 206), response.text
    return response.content


def test_a_job_goes_created_queued_processing_completed(api: Api) -> None:
    sync(api, PEOPLE)
    export_id = export_ok(api, lead_export())
    created = export_job(api, export_id)
    assert list(created) == ["exportId", "format", "status", "createdAt"]
    assert created["status"] == "Created" and created["format"] == "CSV"
    queued = export_job(api, export_id, "enqueue")
    assert list(queued) == ["exportId", "format", "status", "createdAt", "queuedAt"]
    assert queued["status"] == "Queued"
    api.advance(11)
    processing = export_job(api, export_id)
    assert processing["status"] == "Processing" and "startedAt" in processing
    api.advance(PAST_EVERYTHING_S)
    done = export_job(api, export_id)
    assert list(done) == [
        "exportId", "format", "status", "createdAt", "queuedAt", "startedAt", "finishedAt", "numberOfRecords",
        "fileSize", "fileChecksum",
    ]  # fmt: skip
    assert done["status"] == "Completed" and done["numberOfRecords"] == 3


def test_the_file_is_the_fields_in_order_with_null_for_empty_and_its_checksum_and_size(api: Api) -> None:
    ids = sync(api, PEOPLE)
    job = completed_export(api, lead_export(["id", "firstName", "lastName"]))
    response = export_call(api, job["exportId"], "file")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["accept-ranges"] == "bytes"
    expected = (
        f'id,firstName,lastName\n{ids[0]},Able,Baker\n{ids[1]},Charlie,null\n{ids[2]},Easy,"Fox, Jr."\n'
    ).encode()
    assert response.content == expected
    assert int(response.headers["content-length"]) == len(expected) == job["fileSize"]
    assert job["fileChecksum"] == "sha256:" + hashlib.sha256(expected).hexdigest()


def test_column_header_names_and_tab_format(api: Api) -> None:
    sync(api, PEOPLE[:1])
    body = {**lead_export(["email", "firstName"]), "format": "TSV", "columnHeaderNames": {"email": "Email Address"}}
    job = completed_export(api, body)
    assert job["format"] == "TSV"
    assert _file(api, job["exportId"]) == b"Email Address\tfirstName\nable@example.com\tAble\n"


def test_range_requests_resume_the_exact_file(api: Api) -> None:
    sync(api, [{"email": f"lead{n}@example.com", "firstName": f"N{n}"} for n in range(250)])
    job = completed_export(api, lead_export(["id", "email", "firstName"]))
    whole = _file(api, job["exportId"])
    size = job["fileSize"]
    first = export_call(api, job["exportId"], "file", headers={"Range": "bytes=0-999"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-999/{size}"
    assert first.headers["content-length"] == "1000"
    assert first.headers["accept-ranges"] == "bytes"
    rest = export_call(api, job["exportId"], "file", headers={"Range": f"bytes=1000-{size - 1}"})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes 1000-{size - 1}/{size}"
    resumed = first.content + rest.content
    assert resumed == whole
    assert "sha256:" + hashlib.sha256(resumed).hexdigest() == job["fileChecksum"]
    assert _file(api, job["exportId"], Range="bytes=-5") == whole[-5:]
    beyond = export_call(api, job["exportId"], "file", headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"


def test_a_truncation_fault_cuts_the_file_mid_stream_and_a_range_takes_up_the_rest(api: Api) -> None:
    sync(api, [{"email": f"lead{n}@example.com", "firstName": f"N{n}"} for n in range(250)])
    job = completed_export(api, lead_export(["id", "email", "firstName"]))
    whole = _file(api, job["exportId"])
    api.fault(truncate_after_bytes=1_234, times=1, path="/bulk/v1/leads/export/*/file.json")
    # The real answer's status and length go out, then 1,234 bytes of the file, then the connection drops.
    with pytest.raises(httpx.RemoteProtocolError, match=f"received 1234 bytes, expected {len(whole)}"):
        export_call(api, job["exportId"], "file")
    rest = export_call(api, job["exportId"], "file", headers={"Range": "bytes=1234-"})
    assert rest.status_code == 206
    assert whole[:1_234] + rest.content == whole
    # A cut inside a range answer keeps the range's own headers.
    api.fault(truncate_after_bytes=10, times=1, path="/bulk/v1/leads/export/*/file.json")
    with pytest.raises(httpx.RemoteProtocolError, match="received 10 bytes, expected 100"):
        export_call(api, job["exportId"], "file", headers={"Range": "bytes=0-99"})


def test_a_large_file_spans_chunks_and_ranges_across_them_match(api: Api) -> None:
    api.limits(rate_calls=100_000, daily_quota=10_000_000)
    for start in range(0, 3_000, 300):
        sync(api, [{"email": f"lead{n}@example.com", "firstName": "x" * 100} for n in range(start, start + 300)])
    job = completed_export(api, lead_export(["id", "email", "firstName"]))
    whole = _file(api, job["exportId"])
    assert len(whole) == job["fileSize"] > 256 * 1024
    middle = _file(api, job["exportId"], Range="bytes=262000-263000")
    assert middle == whole[262000:263001]
    assert "sha256:" + hashlib.sha256(whole).hexdigest() == job["fileChecksum"]


def test_the_file_of_an_unfinished_or_unknown_job_is_404_plain_text(api: Api) -> None:
    export_id = export_ok(api, lead_export())
    for job_id in (export_id, "00000000-0000-4000-8000-000000000000"):
        response = export_call(api, job_id, "file")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == errors.get("610").format()
    export_job(api, export_id, "enqueue")
    api.advance(11)
    assert export_call(api, export_id, "file").status_code == 404  # processing: no partial files


def test_fields_are_required_and_must_exist(api: Api) -> None:
    assert_marketo_error(create_export(api, {"filter": {"createdAt": today_range()}}), "1002", None, "fields")
    response = create_export(api, lead_export(["email", "noSuchField"]))
    assert_marketo_error(response, "1006", None, "noSuchField")


def test_the_filter_is_required_and_exactly_one(api: Api) -> None:
    assert_marketo_error(create_export(api, {"fields": ["email"]}), "1002", None, "filter")
    two = {"fields": ["email"], "filter": {"createdAt": today_range(), "staticListId": 1}}
    assert_marketo_error(create_export(api, two), "1003")
    assert_marketo_error(create_export(api, {"fields": ["email"], "filter": {}}), "1003")
    assert_marketo_error(create_export(api, {"fields": ["email"], "filter": {"nonsense": 1}}), "1003")


def test_a_date_range_over_31_days_is_invalid_data(api: Api) -> None:
    too_long = {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-02-01T00:00:01Z"}
    assert_marketo_error(create_export(api, lead_export(createdAt=too_long)), "1003")
    backwards = {"startAt": "2026-02-01T00:00:00Z", "endAt": "2026-01-01T00:00:00Z"}
    assert_marketo_error(create_export(api, lead_export(createdAt=backwards)), "1003")
    exactly = {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-02-01T00:00:00Z"}
    export_ok(api, lead_export(createdAt=exactly))


def test_a_malformed_filter_date_is_704_invalid_date_format(api: Api) -> None:
    # error-codes.md: 704 "Invalid date format" for a malformed date; bulk export filters are no exception.
    for bad in ({"startAt": "yesterday", "endAt": "2026-01-02T00:00:00Z"},
                {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-13-45T99:00:00Z"}):  # fmt: skip
        assert_marketo_error(create_export(api, lead_export(createdAt=bad)), "704", "Invalid date format")
    api.admin("PUT", "/settings", json={"bulk_extract_unsupported_filters": []})  # updatedAt, for members
    member = {"fields": ["leadId"], "filter": {"programId": 1, "updatedAt": {"startAt": "x", "endAt": "y"}}}
    response = api.call("POST", "/bulk/v1/program/members/export/create.json", json=member)
    assert_marketo_error(response, "704", "Invalid date format")
    activity = {"filter": {"createdAt": {"startAt": "2026-01-01", "endAt": "soon"}}}
    response = api.call("POST", "/bulk/v1/activities/export/create.json", json=activity)
    assert_marketo_error(response, "704", "Invalid date format")
    missing = {"fields": ["email"], "filter": {"createdAt": {"endAt": "2026-01-02T00:00:00Z"}}}
    assert_marketo_error(create_export(api, missing), "1003")  # a date that is not there is no malformed one


def test_filters_the_subscription_lacks_are_1035_until_the_setting_allows_them(api: Api) -> None:
    for filter_ in ({"updatedAt": today_range()}, {"smartListId": 1}, {"smartListName": "All"}):
        assert_marketo_error(create_export(api, {"fields": ["email"], "filter": filter_}), "1035")
    api.admin("PUT", "/settings", json={"bulk_extract_unsupported_filters": []})
    sync(api, PEOPLE[:1])
    job = completed_export(api, lead_export(["email"], updatedAt=today_range()))
    assert job["numberOfRecords"] == 1


def test_a_static_list_filter(api: Api, emulator: Emulator) -> None:
    ids = sync(api, PEOPLE)
    stamp = "2026-01-01T00:00:00Z"
    with db(emulator) as connection:
        list_id = insert(
            connection, static_lists, name="prova", workspace_name="Default", created_at=stamp, updated_at=stamp
        )
        insert(connection, list_members, list_id=list_id, lead_id=ids[1], created_at=stamp, updated_at=stamp)
    by_name = completed_export(api, {"fields": ["email"], "filter": {"staticListName": "prova"}})
    assert _file(api, by_name["exportId"]) == b"email\ncharlie@example.com\n"
    by_id = completed_export(api, {"fields": ["email"], "filter": {"staticListId": list_id}})
    assert by_id["numberOfRecords"] == 1


def test_enqueueing_a_queued_job_again_is_1029_job_already_queued(api: Api) -> None:
    export_id = export_ok(api, lead_export())
    export_job(api, export_id, "enqueue")
    message = errors.get("1029").format(variant="job_already_queued")
    assert_marketo_error(export_call(api, export_id, "enqueue"), "1029", message)
    api.advance(11)
    assert_marketo_error(export_call(api, export_id, "enqueue"), "1029", message)  # processing


def test_an_eleventh_job_in_the_queue_is_1029_too_many_jobs(api: Api) -> None:
    ids = [export_ok(api, lead_export()) for _ in range(11)]
    for export_id in ids[:10]:
        export_job(api, export_id, "enqueue")
    assert_marketo_error(export_call(api, ids[10], "enqueue"), "1029", errors.get("1029").format())
    api.advance(11)
    statuses = [export_job(api, i)["status"] for i in ids[:10]]
    assert statuses == ["Processing"] * 2 + ["Queued"] * 8  # two at a time
    assert_marketo_error(export_call(api, ids[10], "enqueue"), "1029", errors.get("1029").format())
    export_job(api, ids[9], "cancel")
    assert export_job(api, ids[10], "enqueue")["status"] == "Queued"  # a cancel makes room


def test_the_daily_export_quota_is_1029_until_midnight_central(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2026-03-10T12:00:00Z"})
    sync(api, PEOPLE)
    api.limits(export_daily_bytes=50)
    march = {"startAt": "2026-03-01T00:00:00Z", "endAt": "2026-03-31T00:00:00Z"}
    job = completed_export(api, lead_export(["id", "email", "firstName"], createdAt=march))
    assert job["fileSize"] > 50
    message = errors.get("1029").format(quota_text(50), variant="export_quota")
    assert_marketo_error(create_export(api, lead_export(createdAt=march)), "1029", message)
    api.admin("POST", "/clock", json={"set": "2026-03-11T04:59:00Z"})  # 23:59 in Chicago (CDT, UTC-5)
    assert_marketo_error(create_export(api, lead_export(createdAt=march)), "1029", message)
    api.admin("POST", "/clock", json={"set": "2026-03-11T05:00:01Z"})  # past midnight Central: a new day
    export_ok(api, lead_export(createdAt=march))


def test_the_quota_message_gives_the_default_limit_in_megabytes(api: Api) -> None:
    assert (
        errors.get("1029").format(quota_text(524_288_000), variant="export_quota")
        == "Export daily quota 500MB exceeded."
    )
    api.at_midday()
    api.limits(export_daily_bytes=1_048_576)
    sync(api, [{"email": f"lead{n}@example.com", "firstName": "y" * 250} for n in range(300)] * 1)
    api.limits(rate_calls=100_000, daily_quota=10_000_000)
    for start in range(300, 4_500, 300):
        sync(api, [{"email": f"lead{n}@example.com", "firstName": "y" * 250} for n in range(start, start + 300)])
    completed_export(api, lead_export(["email", "firstName"]))
    message = "Export daily quota 1MB exceeded."
    assert_marketo_error(create_export(api, lead_export()), "1029", message)


def test_enqueue_is_refused_by_the_quota_too(api: Api) -> None:
    api.at_midday()
    sync(api, PEOPLE)
    waiting = export_ok(api, lead_export())
    api.limits(export_daily_bytes=10)
    completed_export(api, lead_export())
    message = errors.get("1029").format(quota_text(10), variant="export_quota")
    assert_marketo_error(export_call(api, waiting, "enqueue"), "1029", message)


def test_cancel(api: Api) -> None:
    export_id = export_ok(api, lead_export())
    cancelled = export_job(api, export_id, "cancel")
    assert cancelled["status"] == "Cancelled"
    assert list(cancelled) == ["exportId", "format", "status", "createdAt"]
    assert_marketo_error(export_call(api, export_id, "enqueue"), "1003")
    running = export_ok(api, lead_export())
    export_job(api, running, "enqueue")
    api.advance(11)
    assert export_job(api, running, "cancel")["status"] == "Cancelled"
    api.advance(PAST_EVERYTHING_S)
    assert export_job(api, running)["status"] == "Cancelled"
    assert export_call(api, running, "file").status_code == 404


def test_only_the_creating_user_sees_a_job(api: Api) -> None:
    sync(api, PEOPLE)
    job = completed_export(api, lead_export())
    other = user_token(api)
    assert_marketo_error(export_call(api, job["exportId"], "status", token=other), "1013")
    assert_marketo_error(export_call(api, job["exportId"], "enqueue", token=other), "1013")
    assert_marketo_error(export_call(api, job["exportId"], "cancel", token=other), "1013")
    assert export_call(api, job["exportId"], "file", token=other).status_code == 404
    assert assert_success(api.call("GET", f"{EXPORT}.json", token=other))["result"] == []


def test_list_jobs_with_status_filter_and_paging(api: Api) -> None:
    sync(api, PEOPLE)
    done = completed_export(api, lead_export())
    created = export_ok(api, lead_export())
    cancelled = export_ok(api, lead_export())
    export_job(api, cancelled, "cancel")
    everything = assert_success(api.call("GET", f"{EXPORT}.json"))
    assert [j["exportId"] for j in everything["result"]] == [done["exportId"], created, cancelled]
    assert "nextPageToken" not in everything
    finished = assert_success(api.call("GET", f"{EXPORT}.json", params={"status": "Completed,Canceled"}))["result"]
    assert [j["exportId"] for j in finished] == [done["exportId"], cancelled]
    page = assert_success(api.call("GET", f"{EXPORT}.json", params={"batchSize": 2}))
    assert [j["exportId"] for j in page["result"]] == [done["exportId"], created]
    assert page["moreResult"] is True
    rest = assert_success(
        api.call("GET", f"{EXPORT}.json", params={"batchSize": 2, "nextPageToken": page["nextPageToken"]})
    )
    assert [j["exportId"] for j in rest["result"]] == [cancelled]
    bad = api.call("GET", f"{EXPORT}.json", params={"nextPageToken": "nonsense"})
    assert_marketo_error(bad, "1001", None, "nonsense", "nextPageToken")


def test_created_at_filter_selects_by_creation_time(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2026-01-15T00:00:00Z"})
    sync(api, PEOPLE[:1])
    api.admin("POST", "/clock", json={"set": "2026-03-15T00:00:00Z"})
    sync(api, PEOPLE[1:2])
    january = {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-31T00:00:00Z"}
    job = completed_export(api, lead_export(["email"], createdAt=january))
    assert _file(api, job["exportId"]) == b"email\nable@example.com\n"
    assert dt.datetime.fromisoformat(job["finishedAt"].replace("Z", "+00:00")).year == 2026


def test_a_list_an_extract_filters_on_cannot_be_deleted_while_the_job_runs_1022(api: Api, emulator: Emulator) -> None:
    stamp = "2026-01-01T00:00:00Z"
    with db(emulator) as connection:
        list_id = insert(
            connection, static_lists, name="prova", workspace_name="Default", created_at=stamp, updated_at=stamp
        )
    export_id = export_ok(api, {"fields": ["email"], "filter": {"staticListName": "prova"}})
    delete = f"/rest/asset/v1/staticList/{list_id}/delete.json"
    export_job(api, export_id, "enqueue")
    assert_marketo_error(api.call("POST", delete), "1022", asset=True)
    api.advance(PAST_EVERYTHING_S)
    assert export_job(api, export_id)["status"] == "Completed"
    assert api.call("POST", delete).json()["success"] is True


def test_cancel_of_a_finished_job_answers_it_unchanged_and_smart_lists_match_nothing(api: Api) -> None:
    sync(api, PEOPLE)
    api.admin("PUT", "/settings", json={"bulk_extract_unsupported_filters": ["updatedAt"]})
    job = completed_export(api, {"fields": ["email"], "filter": {"smartListName": "All People"}})
    assert job["numberOfRecords"] == 0
    assert _file(api, job["exportId"]) == b"email\n"
    assert export_job(api, job["exportId"], "cancel") == job
