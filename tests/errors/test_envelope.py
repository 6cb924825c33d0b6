"""parse_response: status and content type first, then the envelope; the right exception or a parsed success."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mkto import errors
from mkto.errors import Disposition, Level, parse_response

JSON = {"Content-Type": "application/json;charset=UTF-8"}
NGINX_502 = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"


def envelope(**body: object) -> bytes:
    return json.dumps(body).encode()


def failure(code: str, message: str, request_id: str = "e42b#14272d07d78") -> bytes:
    return envelope(requestId=request_id, success=False, errors=[{"code": code, "message": message}])


def test_success_with_paging() -> None:
    body = envelope(requestId="10a88#1743e2b384b", result=[{"id": 1}], success=True, nextPageToken="ABC=", moreResult=True)
    resp = parse_response(200, JSON, body)
    assert resp.request_id == "10a88#1743e2b384b"
    assert resp.result == [{"id": 1}]
    assert resp.next_page_token == "ABC="
    assert resp.more_result is True
    assert resp.records == []


def test_record_level_outcomes_keep_input_order_and_map_reasons() -> None:
    body = envelope(
        requestId="e42b#14272d07d78",
        success=True,
        result=[
            {"id": 50, "status": "created"},
            {"status": "skipped", "reasons": [{"code": "1005", "message": "Lead already exists"}]},
            {"id": 52, "status": "updated"},
        ],
    )
    resp = parse_response(200, JSON, body)
    assert [(r.index, r.status, r.id) for r in resp.records] == [(0, "created", 50), (1, "skipped", None), (2, "updated", 52)]
    (skipped,) = resp.skipped
    assert skipped.reasons[0].code == "1005"
    assert skipped.reasons[0].spec is errors.get("1005")
    assert skipped.reasons[0].disposition is Disposition.RECORD_SKIPPED


def test_seq_and_custom_activity_errors_key() -> None:
    body = envelope(
        requestId="a#1",
        success=True,
        result=[
            {"seq": 1, "status": "skipped", "errors": [{"code": "1004", "message": "Lead not found"}]},
            {"seq": 0, "marketoGUID": "50", "status": "added"},
        ],
    )
    records = parse_response(200, JSON, body).records
    assert [(r.index, r.id, r.ok) for r in records] == [(1, None, False), (0, "50", True)]
    assert records[0].reasons[0].code == "1004"


@pytest.mark.parametrize(
    ("code", "message", "cls"),
    [
        ("601", "Access token invalid", errors.AuthError),
        ("602", "Access token expired", errors.AuthError),
        ("606", "Max rate limit '100' exceeded with in '20' secs", errors.RateLimited),
        ("615", "Concurrent access limit '10' reached", errors.ConcurrencyLimited),
        ("611", "System error", errors.TransientError),
        ("502", "Bad Gateway", errors.TransientError),
        ("1016", "Too many imports", errors.QueueFull),
        ("1029", "Too many jobs in queue", errors.QueueFull),
        ("609", "Invalid JSON", errors.CallerError),
        ("1003", "Leads not specified", errors.CallerError),
    ],
)
def test_response_level_codes_raise_their_class(code: str, message: str, cls: type[errors.MarketoError]) -> None:
    with pytest.raises(cls) as caught:
        parse_response(200, JSON, failure(code, message))
    err = caught.value
    assert isinstance(err, errors.CODE_CLASSES[code])
    assert err.code == code
    assert err.message == message
    assert err.request_id == "e42b#14272d07d78"
    assert err.http_status == 200
    assert err.level is Level.RESPONSE
    assert str(err).startswith("[requestId e42b#14272d07d78] ")
    assert err.body == failure(code, message)


def test_quota_errors_carry_the_next_central_midnight_from_the_date_header() -> None:
    headers = {**JSON, "Date": "Sat, 28 Nov 2026 23:30:00 GMT"}  # 17:30 in Chicago (CST, UTC-6)
    with pytest.raises(errors.QuotaExhausted) as caught:
        parse_response(200, headers, failure("607", "Daily quota reached"))
    assert caught.value.resets_at == dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)
    assert caught.value.resets_at.tzinfo is not None


def test_quota_reset_just_after_central_midnight_is_the_next_one() -> None:
    headers = {**JSON, "Date": "Sun, 29 Nov 2026 06:00:01 GMT"}
    with pytest.raises(errors.QuotaExhausted) as caught:
        parse_response(200, headers, failure("607", "Daily quota reached"))
    assert caught.value.resets_at == dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)


def test_export_quota_is_a_quota_error_although_1029_is_usually_a_full_queue() -> None:
    with pytest.raises(errors.QuotaExhausted) as caught:
        parse_response(200, JSON, failure("1029", "Export daily quota 500MB exceeded."))
    assert isinstance(caught.value, errors.CODE_CLASSES["1029"])
    assert caught.value.disposition is Disposition.QUOTA_EXHAUSTED
    assert caught.value.resets_at is not None


@pytest.mark.parametrize(
    ("status", "cls", "code"),
    [(502, errors.TransientError, "502"), (413, errors.PayloadTooLarge, "413"), (414, errors.UriTooLong, "414"), (500, errors.TransientError, "500")],
)
def test_gateway_html_pages_never_reach_the_json_parser(status: int, cls: type[errors.MarketoError], code: str) -> None:
    with pytest.raises(cls) as caught:
        parse_response(status, {"Content-Type": "text/html"}, NGINX_502)
    assert caught.value.code == code
    assert caught.value.http_status == status
    assert caught.value.level is Level.HTTP
    assert caught.value.request_id is None
    assert str(caught.value).startswith("[no requestId] ")


def test_unknown_5xx_and_4xx_pages() -> None:
    with pytest.raises(errors.TransientError):
        parse_response(504, {"Content-Type": "text/html"}, b"<html>504</html>")
    with pytest.raises(errors.MarketoError) as caught:
        parse_response(404, {"Content-Type": "text/plain"}, b"Export job not found")
    assert caught.value.http_status == 404


def test_json_with_a_lying_content_type_or_broken_json() -> None:
    with pytest.raises(errors.TransientError, match="Expected a JSON body"):
        parse_response(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")
    with pytest.raises(errors.TransientError, match="Unreadable JSON"):
        parse_response(200, JSON, b'{"requestId": "a#1", "succ')
    with pytest.raises(errors.TransientError, match="not a Marketo envelope"):
        parse_response(200, JSON, b"[1, 2]")


def test_identity_401_is_bad_credentials() -> None:
    body = envelope(error="unauthorized", error_description="No client with requested id: abc")
    with pytest.raises(errors.BadCredentials) as caught:
        parse_response(401, JSON, body)
    assert caught.value.message == "No client with requested id: abc"
    assert caught.value.disposition is Disposition.BAD_CREDENTIALS


def test_unknown_code_keeps_code_and_message() -> None:
    with pytest.raises(errors.MarketoError) as caught:
        parse_response(200, JSON, failure("600", "Access token not specified"))
    assert type(caught.value) is errors.MarketoError
    assert (caught.value.code, caught.value.message) == ("600", "Access token not specified")


def test_702_is_an_empty_result() -> None:
    resp = parse_response(200, JSON, failure("702", "No data found for a given search scenario"))
    assert resp.result == []
    assert resp.empty_search is True


def test_every_error_in_the_envelope_is_kept() -> None:
    body = envelope(
        requestId="a#1", success=False, errors=[{"code": "1006", "message": "Field 'x' not found"}, {"code": "1006", "message": "Field 'y' not found"}]
    )
    with pytest.raises(errors.CallerError) as caught:
        parse_response(200, JSON, body)
    assert len(caught.value.errors) == 2


def test_exception_classes_follow_dispositions() -> None:
    for code, cls in errors.CODE_CLASSES.items():
        spec = errors.get(code)
        level = spec.levels[0] if spec.levels[0] is not Level.RECORD else Level.RESPONSE
        assert issubclass(cls, errors.base_for(spec.disposition_for(level))), code
        assert cls.__name__ == f"Error{code}"
    assert issubclass(errors.CODE_CLASSES["606"], errors.LimitError)
    assert issubclass(errors.CODE_CLASSES["413"], errors.SizeError)


def test_program_member_outcomes_are_identified_by_lead_id() -> None:
    body = envelope(requestId="a#1", success=True, result=[{"seq": 0, "leadId": 1800, "status": "updated"}])
    (outcome,) = parse_response(200, JSON, body).records
    assert (outcome.index, outcome.id, outcome.ok) == (0, 1800, True)
