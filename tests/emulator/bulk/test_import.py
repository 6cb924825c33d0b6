"""Bulk lead import over real HTTP: jobs, their progress on the virtual clock, the rows really imported, the
failure and warning files, and every error an import can answer (1003 empty file, 1016, 1019, 413)."""

from __future__ import annotations

import datetime as dt

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator._common.tables import list_members, static_lists
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, csv_file, import_file, import_ok, import_status, sync
from tests.emulator.conftest import Api, assert_marketo_error, assert_nginx_page, assert_success
from tests.emulator.leads.conftest import by_filter, db, insert

ROWS = [
    ["firstName", "lastName", "email"],
    ["Able", "Baker", "ablebaker@marketo.com"],
    ["Charlie", "Dog", "charliedog@marketo.com"],
    ["Easy", "Fox", "easyfox@marketo.com"],
]


def _emails(api: Api, emails: str, fields: str = "email,firstName,lastName") -> list[dict[str, object]]:
    result: list[dict[str, object]] = assert_success(by_filter(api, "email", emails, fields=fields))["result"]
    return result


def _make_list(emulator: Emulator, name: str = "Imported") -> int:
    stamp = "2026-01-01T00:00:00Z"
    with db(emulator) as connection:
        return insert(connection, static_lists, name=name, workspace_name="Default", created_at=stamp, updated_at=stamp)


def test_an_import_is_queued_then_importing_then_complete_with_the_documented_message(api: Api) -> None:
    batch_id = import_ok(api, csv_file(ROWS))
    assert import_status(api, batch_id) == {"batchId": batch_id, "importId": str(batch_id), "status": "Queued"}
    api.advance(11)
    assert import_status(api, batch_id)["status"] == "Importing"
    assert _emails(api, "ablebaker@marketo.com") == []  # rows land when the job completes
    api.advance(PAST_EVERYTHING_S)
    assert import_status(api, batch_id) == {
        "batchId": batch_id, "importId": str(batch_id), "status": "Complete", "numOfLeadsProcessed": 3,
        "numOfRowsFailed": 0, "numOfRowsWithWarning": 0, "message": "Import succeeded, 3 records imported (3 members)",
    }  # fmt: skip


def test_imported_rows_create_and_update_leads_read_back_through_the_rest_api(api: Api) -> None:
    [existing] = sync(api, [{"email": "ablebaker@marketo.com", "firstName": "Old", "title": "Kept"}])
    batch_id = import_ok(api, csv_file(ROWS))
    api.advance(PAST_EVERYTHING_S)
    assert import_status(api, batch_id)["status"] == "Complete"  # a bulk call observes the finish: rows land
    leads = _emails(api, "ablebaker@marketo.com,charliedog@marketo.com,easyfox@marketo.com", "email,firstName,title")
    by_email = {lead["email"]: lead for lead in leads}
    assert by_email["ablebaker@marketo.com"] == {
        "id": existing, "email": "ablebaker@marketo.com", "firstName": "Able", "title": "Kept",
    }  # fmt: skip
    assert by_email["charliedog@marketo.com"]["firstName"] == "Charlie"
    assert by_email["easyfox@marketo.com"]["firstName"] == "Easy"


def test_tab_and_semicolon_files(api: Api) -> None:
    first = import_ok(api, csv_file(ROWS[:2], delimiter="\t"), format="tsv")
    import_ok(api, csv_file([ROWS[0], ROWS[2]], delimiter=";"), format="ssv")
    api.advance(PAST_EVERYTHING_S)
    import_status(api, first)
    assert len(_emails(api, "ablebaker@marketo.com,charliedog@marketo.com")) == 2


def test_lookup_field_id_only_updates(api: Api) -> None:
    [lead_id] = sync(api, [{"email": "a@example.com", "firstName": "A"}])
    rows = [["id", "firstName"], [str(lead_id), "Renamed"], ["999999", "Nobody"]]
    batch_id = import_ok(api, csv_file(rows), lookupField="id")
    api.advance(PAST_EVERYTHING_S)
    status = import_status(api, batch_id)
    assert status["message"] == "Import completed with errors, 1 records imported (1 members), 1 failed"
    assert _emails(api, "a@example.com", "firstName")[0]["firstName"] == "Renamed"
    failures = api.call("GET", f"/bulk/v1/leads/batch/{batch_id}/failures.json")
    assert failures.text == f"id,firstName,Import Failure Reason\n999999,Nobody,{errors.get('1004').format()}\n"


def test_failed_rows_are_counted_and_listed_with_their_reason_in_the_job_format(api: Api) -> None:
    rows = [
        ["email", "firstName", "leadScore"],
        ["good@example.com", "Good", "5"],
        ["bad@example.com", "Bad", "TEXT_VALUE_IN_INTEGER_FIELD"],
        ["", "NoKey", "1"],
        ["also@example.com", "Also", "7"],
    ]
    batch_id = import_ok(api, csv_file(rows))
    api.advance(PAST_EVERYTHING_S)
    status = import_status(api, batch_id)
    assert (status["numOfLeadsProcessed"], status["numOfRowsFailed"], status["numOfRowsWithWarning"]) == (2, 2, 0)
    assert status["message"] == "Import completed with errors, 2 records imported (2 members), 2 failed"
    response = api.call("GET", f"/bulk/v1/leads/batch/{batch_id}/failures.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    invalid = errors.get("1003").format("leadScore", "TEXT_VALUE_IN_INTEGER_FIELD", variant="invalid_field_value")
    missing = errors.get("1002").format("email")
    assert response.text == (
        "email,firstName,leadScore,Import Failure Reason\n"
        f"bad@example.com,Bad,TEXT_VALUE_IN_INTEGER_FIELD,{invalid}\n"
        f",NoKey,1,{missing}\n"
    )
    absent = api.call("GET", f"/bulk/v1/leads/batch/{batch_id}/warnings.json")
    assert absent.status_code == 404
    assert absent.headers["content-type"].startswith("text/plain")
    assert absent.text == errors.get("610").format()


def test_an_invalid_address_in_another_email_field_is_a_warning_and_the_row_is_imported(api: Api) -> None:
    rows = [["email", "email_field"], ["aerys@example.com", "INVALID_EMAIL"]]
    batch_id = import_ok(api, csv_file(rows, delimiter="\t"), format="tsv")
    api.advance(PAST_EVERYTHING_S)
    status = import_status(api, batch_id)
    assert (status["numOfLeadsProcessed"], status["numOfRowsFailed"], status["numOfRowsWithWarning"]) == (1, 0, 1)
    assert status["message"] == "Import succeeded, 1 records imported (1 members)"
    warnings = api.call("GET", f"/bulk/v1/leads/batch/{batch_id}/warnings.json")
    reason = errors.get("1003").format("email_field", "INVALID_EMAIL", variant="invalid_field_value")
    assert warnings.text == f"email\temail_field\tImport Warning Reason\naerys@example.com\tINVALID_EMAIL\t{reason}\n"
    assert api.call("GET", f"/bulk/v1/leads/batch/{batch_id}/failures.json").status_code == 404
    assert len(_emails(api, "aerys@example.com")) == 1


def test_files_of_an_unfinished_or_unknown_job_are_404_plain_text(api: Api) -> None:
    batch_id = import_ok(api, csv_file([["email"], ["x@example.com"]]))
    for path in (f"/bulk/v1/leads/batch/{batch_id}/failures.json", "/bulk/v1/leads/batch/424242/warnings.json"):
        response = api.call("GET", path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == errors.get("610").format()


def test_status_of_an_unknown_batch_is_object_not_found(api: Api) -> None:
    assert_marketo_error(api.call("GET", "/bulk/v1/leads/batch/424242.json"), "1013")


def test_an_empty_file_is_1003_empty_file(api: Api) -> None:
    for data in (b"", b"email,firstName\n", b"\n\n"):
        response = import_file(api, data)
        assert_marketo_error(response, "1003", errors.get("1003").format(variant="empty_file"))


def test_an_eleventh_import_in_the_queue_is_1016(api: Api) -> None:
    for n in range(10):
        import_ok(api, csv_file([["email"], [f"lead{n}@example.com"]]))
    response = import_file(api, csv_file([["email"], ["late@example.com"]]))
    assert_marketo_error(response, "1016", errors.get("1016").format(10))
    api.advance(PAST_EVERYTHING_S)  # the queue drains: room again
    import_ok(api, csv_file([["email"], ["late@example.com"]]))


def test_two_import_at_a_time_the_rest_wait(api: Api) -> None:
    ids = [import_ok(api, csv_file([["email"], [f"lead{n}@example.com"]])) for n in range(3)]
    api.advance(11)
    assert [import_status(api, i)["status"] for i in ids] == ["Importing", "Importing", "Queued"]


def test_an_import_into_a_list_being_imported_is_1019_and_members_join_the_list(api: Api, emulator: Emulator) -> None:
    list_id = _make_list(emulator)
    other = _make_list(emulator, "Other")
    batch_id = import_ok(api, csv_file(ROWS), listId=str(list_id))
    assert_marketo_error(import_file(api, csv_file(ROWS), listId=str(list_id)), "1019")
    import_ok(api, csv_file(ROWS), listId=str(other))  # another list is free
    api.advance(PAST_EVERYTHING_S)
    assert import_status(api, batch_id)["message"] == "Import succeeded, 3 records imported (3 members)"
    with db(emulator) as connection:
        members = connection.execute(list_members.select().where(list_members.c.list_id == list_id)).all()
    assert len(members) == 3
    import_ok(api, csv_file(ROWS), listId=str(list_id))  # the list is free again


def test_an_unknown_list_is_object_not_found(api: Api) -> None:
    assert_marketo_error(import_file(api, csv_file(ROWS), listId="424242"), "1013")


def test_an_import_over_the_import_limit_is_413(api: Api) -> None:
    api.limits(max_import_bytes=2_000)
    big = csv_file([["email"], *[[f"lead{n}@example.com"] for n in range(200)]])
    assert_nginx_page(import_file(api, big), 413, "Request Entity Too Large")
    import_ok(api, csv_file(ROWS))  # a small file still goes through


def test_an_import_of_more_than_a_megabyte_is_accepted_under_the_import_limit(api: Api) -> None:
    rows = [["email", "firstName"], *[[f"lead{n}@example.com", "x" * 200] for n in range(5_000)]]
    data = csv_file(rows)
    assert len(data) > 1_048_576
    batch_id = import_ok(api, data)
    api.advance(PAST_EVERYTHING_S)
    assert import_status(api, batch_id)["numOfLeadsProcessed"] == 5_000


def test_leads_take_the_finish_time_as_created_at(api: Api) -> None:
    batch_id = import_ok(api, csv_file(ROWS))
    api.advance(PAST_EVERYTHING_S)
    import_status(api, batch_id)
    [lead] = _emails(api, "ablebaker@marketo.com", "createdAt")
    created = dt.datetime.fromisoformat(str(lead["createdAt"]).replace("Z", "+00:00"))
    assert created > dt.datetime.now(dt.UTC)  # in the virtual future: the job finished 40 s after it was queued


def test_a_list_being_imported_to_cannot_be_deleted_1022(api: Api, emulator: Emulator) -> None:
    list_id = _make_list(emulator)
    batch_id = import_ok(api, csv_file(ROWS), listId=str(list_id))
    delete = f"/rest/asset/v1/staticList/{list_id}/delete.json"
    assert_marketo_error(api.call("POST", delete), "1022", asset=True)
    api.advance(PAST_EVERYTHING_S)
    assert import_status(api, batch_id)["status"] == "Complete"
    assert api.call("POST", delete).json()["success"] is True
