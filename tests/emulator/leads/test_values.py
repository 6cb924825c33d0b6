"""Field value validation: the recorded rejections over HTTP, and the rules per type as properties."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkto.emulator._common.schema import STANDARD_FIELDS, Field
from mkto.emulator._common.values import InvalidValue, coerce, plain_text_limit, show
from tests.emulator.conftest import Api, assert_success
from tests.emulator.leads.conftest import created_ids, one_reason, sync_ok

FIELD = {f.name: f for f in STANDARD_FIELDS}
PROPERTY = settings(max_examples=200, deadline=None)

# recordings/grouparoo.json: each answered 1003 "Invalid value for field '<f>' and value '<v>'"
RECORDED_REJECTIONS: list[tuple[str, Any, str]] = [
    ("boolean_field", "other", "other"),
    ("email_field", "bademail", "bademail"),
    ("integer_field", 14.1, "14.1"),
    ("float_field", "14c", "14c"),
    ("datetime_field", "yesterday", "yesterday"),
    ("percent_field", "100%", "100%"),
]


@pytest.mark.parametrize(("field", "value", "shown"), RECORDED_REJECTIONS)
def test_recorded_rejections(api: Api, field: str, value: Any, shown: str) -> None:
    [lead_id] = created_ids(api, [{"email": "brian2@bleonard.com"}])
    [result] = sync_ok(api, [{"email": "brian2@bleonard.com", "id": lead_id, "firstName": "Maria", field: value}],
                       lookupField="id", action="updateOnly")  # fmt: skip
    assert one_reason(result) == ("1003", f"Invalid value for field '{field}' and value '{shown}'")


def test_nulls_clear_every_type(api: Api) -> None:
    names = ["textarea_field", "boolean_field", "email_field", "integer_field", "float_field", "datetime_field",
             "score_field", "percent_field", "currency_field"]  # fmt: skip
    full = {"textarea_field": "t", "boolean_field": True, "email_field": "e@x.io", "integer_field": 1,
            "float_field": 1.5, "datetime_field": "2020-08-30T05:49:48Z", "score_field": 2, "percent_field": 3,
            "currency_field": 4.5}  # fmt: skip
    [lead_id] = created_ids(api, [{"email": "n@example.com", **full}])
    assert sync_ok(api, [{"id": lead_id, **dict.fromkeys(names)}], lookupField="id", action="updateOnly")[0][
        "status"
    ] == "updated"
    [lead] = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": ",".join(names)}))[
        "result"
    ]
    assert lead == {"id": lead_id, **dict.fromkeys(names), "boolean_field": False}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.integers(min_value=-(2**31), max_value=2**31 - 1), text=st.text(max_size=255))
def test_round_trip_over_http(api: Api, number: int, text: str) -> None:
    text = text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", "")
    result = sync_ok(api, [{"email": "rt@example.com", "integer_field": number, "title": text}])
    lead_id = result[0]["id"]
    [lead] = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json",
                                     params={"fields": "integer_field,title"}))["result"]  # fmt: skip
    assert lead == {"id": lead_id, "integer_field": number, "title": text or None}


# --- the rules as properties (no HTTP: the same function the routes call) ----------------------------


def field(data_type: str, length: int | None = None) -> Field:
    return Field(1, f"{data_type}_f", data_type, data_type, length, False, None, is_custom=True)


@PROPERTY
@given(st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_integers_in_range_are_kept(number: int) -> None:
    for kind in ("integer", "score", "percent"):
        assert coerce(field(kind), number) == number
        assert coerce(field(kind), str(number)) == number


@PROPERTY
@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()))
def test_fractions_are_not_integers(number: float) -> None:
    with pytest.raises(InvalidValue):
        coerce(field("integer"), number)
    assert coerce(field("float"), number) == number
    assert coerce(field("currency"), repr(number)) == number


@PROPERTY
@given(st.integers().filter(lambda n: not -(2**31) <= n < 2**31))
def test_integers_out_of_range_are_rejected(number: int) -> None:
    with pytest.raises(InvalidValue):
        coerce(field("integer"), number)


@PROPERTY
@given(st.text().filter(lambda s: s.strip().lower() not in {"true", "false", "1", "0", "yes", "no", ""}))
def test_booleans_accept_only_truth_words(word: str) -> None:
    with pytest.raises(InvalidValue):
        coerce(field("boolean"), word)


@PROPERTY
@given(
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9998, 12, 31)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_datetimes_are_stored_in_utc(naive: dt.datetime, offset_minutes: int) -> None:
    moment = naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))  # W3C: whole-minute offsets
    stored = coerce(field("datetime"), moment.isoformat())
    expected = moment.astimezone(dt.UTC).replace(microsecond=0)
    assert stored == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


@PROPERTY
@given(st.emails())
def test_generated_emails_are_accepted(address: str) -> None:
    if len(address) <= 255:
        assert coerce(FIELD["email"], address) == address


@PROPERTY
@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="@"), min_size=1))
def test_text_without_at_is_not_an_email(text: str) -> None:
    with pytest.raises(InvalidValue):
        coerce(FIELD["email"], text)


@PROPERTY
@given(st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=256, max_size=400))
def test_strings_respect_their_length(text: str) -> None:
    with pytest.raises(InvalidValue):
        coerce(FIELD["firstName"], text)
    assert coerce(FIELD["firstName"], text[:255]) in (text[:255], None)


@PROPERTY
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.lists(st.integers())))
def test_show_is_always_wire_safe(value: Any) -> None:
    shown = show(value)
    shown.encode("utf-8")
    if isinstance(value, float) and math.isfinite(value):
        assert float(shown) == value


def test_dates_and_text_areas() -> None:
    assert coerce(field("date"), "2020-08-30") == "2020-08-30"
    assert coerce(field("date"), "2020-08-30T23:00:00-05:00") == "2020-08-31"
    for bad in ("2020-13-01", "30/08/2020", 20200830):
        with pytest.raises(InvalidValue):
            coerce(field("date"), bad)
    assert coerce(field("text"), "x" * 30_000) == "x" * 30_000
    with pytest.raises(InvalidValue):
        coerce(field("text"), "é" * 15_001)


@PROPERTY
@given(field=st.sampled_from(STANDARD_FIELDS), text=st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_plain_text_limit_names_only_values_coerce_keeps_as_they_are(field: Field, text: str) -> None:
    """Sync Leads stores a non-empty ASCII text without NUL within the limit as it is, skipping `coerce`."""
    if text and "\x00" not in text and len(text) <= plain_text_limit(field):
        assert coerce(field, text) is text
