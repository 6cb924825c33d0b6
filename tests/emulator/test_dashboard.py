"""The dashboard over HTTP: the static page and its files, the request log's entries in full (bodies decoded and
redacted when read), its filters, the data browser's endpoints, and what a browser asks for by itself.
(tests/emulator/test_dashboard_browser.py drives the page in Chromium.)"""

from __future__ import annotations

import importlib.resources
import json
import re
import zipfile
from pathlib import Path

import httpx
import pytest

from mkto.emulator import Emulator
from mkto.emulator._dashboard import ASSETS, PAGE
from mkto.emulator._instance import LOGGED_BODY_BYTES, REDACTED, redact_body

from .bulk.conftest import completed_export, export_call, lead_export
from .conftest import Api, areas, assert_marketo_error, assert_success

ECHO = "/rest/v1/probe/echo.json"
STATIC = importlib.resources.files("mkto.emulator") / "_static"
ROOT = Path(__file__).resolve().parents[2]


def entries(api: Api, **params: str) -> list[dict[str, object]]:
    return list(api.admin("GET", "/requests", params={"limit": "100", **params}).json()["requests"])


def detail(api: Api, path: str) -> dict[str, object]:
    [entry] = [e for e in entries(api) if e["path"] == path][:1]
    return dict(api.admin("GET", f"/requests/{entry['id']}").json())


# -- the page and its files ----------------------------------------------------------------------------------


def test_the_package_ships_the_page_and_every_file_it_loads() -> None:
    html = (STATIC / PAGE).read_text(encoding="utf-8")
    loaded = set(re.findall(r'(?:src|href)="static/([^"]+)"', html))
    assert loaded == set(ASSETS) == {"dashboard.js", "dashboard.css"}
    for name in ASSETS:
        assert (STATIC / name).is_file(), name


def test_the_built_wheel_carries_the_page_and_its_files(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    [wheel] = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    with zipfile.ZipFile(wheel) as built:
        for name in (PAGE, *ASSETS):
            assert built.read(f"mkto/emulator/_static/{name}") == (STATIC / name).read_bytes(), name


def test_the_page_and_its_files_are_served_with_their_types(api: Api) -> None:
    page = api.admin("GET", "/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.content == (STATIC / PAGE).read_bytes()
    for name, media in ASSETS.items():
        served = api.admin("GET", f"/static/{name}")
        assert served.headers["content-type"] == media
        assert served.content == (STATIC / name).read_bytes()
    assert api.http.get("/_mkto/static/_admin.py").status_code == 404
    assert api.http.get("/_mkto/static/dashboard.html").status_code == 404  # only the listed files


def test_the_bare_admin_path_redirects_relatively_so_a_mounted_instance_keeps_its_prefix(api: Api) -> None:
    moved = api.http.get(f"{api.emu.base_url}/_mkto", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "_mkto/"
    assert httpx.URL("http://h/i/111-AAA-222/_mkto").join(moved.headers["location"]).path == "/i/111-AAA-222/_mkto/"


def test_the_page_reaches_nothing_outside_itself_and_only_by_relative_urls() -> None:
    html = (STATIC / PAGE).read_text(encoding="utf-8")
    script = (STATIC / "dashboard.js").read_text(encoding="utf-8")
    sheet = (STATIC / "dashboard.css").read_text(encoding="utf-8")
    for text in (html, script, sheet):
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
        assert "@import" not in text and "url(" not in text
    assert not re.search(r'(?:src|href)="/', html)
    called = re.findall(r'api\(\s*[`"]([^`"]+)', script)
    assert {"clock", "usage", "faults", "browse/bulk", "browse/instance"} <= set(called)
    assert [path for path in called if path.startswith("/") or "_mkto" in path] == []
    assert "fetch(path" in script and script.count("fetch(") == 1  # every read goes through api()


def test_with_an_admin_token_the_page_loads_and_every_read_needs_the_token() -> None:
    with Emulator(areas=areas(), admin_token="open-sesame") as emu, httpx.Client(base_url=emu.base_url) as http:
        assert http.get("/_mkto/").status_code == 200
        assert http.get("/_mkto/static/dashboard.js").status_code == 200
        assert http.get("/_mkto/usage").status_code == 401
        assert http.get("/_mkto/requests/1").status_code == 401
        assert http.get("/_mkto/browse/leads").status_code == 401
        assert http.get("/_mkto/usage", headers={"Authorization": "Bearer open-sesame"}).status_code == 200


# -- what a browser asks for by itself ------------------------------------------------------------------------


def test_a_browsers_own_requests_are_not_api_calls(api: Api) -> None:
    for path in ("/favicon.ico", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png",
                 "/.well-known/appspecific/com.chrome.devtools.json"):  # fmt: skip
        assert api.http.get(path).status_code == 404, path
    for path in ("/", "/static/dashboard.js", "/static/dashboard.css", "/usage", "/browse/leads", "/browse/bulk"):
        api.admin("GET", path)
    assert entries(api) == []
    assert api.usage()["daily"]["calls"] == 0


def test_the_page_declares_no_icon_to_fetch() -> None:
    assert '<link rel="icon" href="data:,">' in (STATIC / PAGE).read_text(encoding="utf-8")


# -- one entry in full ----------------------------------------------------------------------------------------


def test_an_entry_shows_its_request_and_response_bodies(api: Api) -> None:
    sent = {"input": [{"email": "ada@example.com"}]}
    raw = json.dumps(sent).encode()
    answer = assert_success(api.call("POST", ECHO, content=raw, headers={"Content-Type": "application/json"}))
    shown = detail(api, ECHO)
    request, response = shown["request"], shown["response"]
    assert isinstance(request, dict) and isinstance(response, dict)
    assert json.loads(request["body"]) == sent and request["truncated"] is False
    assert json.loads(response["body"]) == answer
    assert request["bytes"] == len(raw)
    assert ["content-type", "application/json;charset=UTF-8"] in response["headers"]
    assert shown["requestId"] == answer["requestId"] and shown["user"] == api.emu.client_id


def test_an_entry_shows_the_request_headers_and_the_answer_headers_as_they_were(api: Api) -> None:
    answer = api.call("GET", ECHO, headers={"X-Trace": "first", "X-Empty": "", "Accept": "application/json"})
    assert_success(answer)
    shown = detail(api, ECHO)
    request, response = shown["request"], shown["response"]
    assert isinstance(request, dict) and isinstance(response, dict)
    sent = [(name, value) for name, value in request["headers"] if name in ("x-trace", "x-empty", "accept")]
    assert sorted(sent) == [("accept", "application/json"), ("x-empty", ""), ("x-trace", "first")]
    # every answer header, in the order it was sent, Date and Content-Length included
    assert [tuple(pair) for pair in response["headers"]] == [(n.decode(), v.decode()) for n, v in answer.headers.raw]


def test_a_header_with_a_nul_in_it_is_kept_as_it_came() -> None:
    """A header the HTTP parser would refuse, handed straight to the ASGI app: the log keeps it whole."""
    import asyncio

    from mkto.emulator import create_app
    from mkto.emulator._requestlog import entry_of

    app = create_app(db="sqlite:///:memory:")
    emu = app.state.emulation
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme": "http", "method": "GET",
        "path": "/rest/v1/leads.json", "raw_path": b"/rest/v1/leads.json", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"x"), (b"x-odd", b"a\0b")], "server": ("x", 80), "client": ("127.0.0.1", 1),
    }  # fmt: skip
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    [entry] = list(emu.request_log)
    assert entry["_wire"][0] == [(b"host", b"x"), (b"x-odd", b"a\0b")]
    assert entry_of(emu.request_log._records[0])["code"] == "601"  # no token: the call itself was answered


def test_an_entry_never_shows_a_secret(api: Api) -> None:
    token = api.token()  # client_secret in the query, access_token in the answer
    form = api.http.post("/identity/oauth/token", data={
        "grant_type": "client_credentials", "client_id": api.emu.client_id, "client_secret": api.emu.client_secret})  # fmt: skip
    assert form.json()["access_token"] == token
    assert_success(api.call("GET", ECHO, token=token))  # the bearer header
    assert_success(api.call("POST", ECHO, token=token, json={"client_secret": api.emu.client_secret, "n": [1]}))
    shown = [api.admin("GET", f"/requests/{e['id']}").json() for e in entries(api)]
    assert len(shown) == 4
    text = json.dumps(shown)
    assert token not in text and api.emu.client_secret not in text
    assert text.count(REDACTED) >= 5
    by_query, by_form = (e for e in reversed(shown) if e["path"] == "/identity/oauth/token")
    assert f"client_secret={REDACTED}" in by_query["request"]["query"]
    assert f"client_secret={REDACTED}" in by_form["request"]["body"]
    assert json.loads(by_form["response"]["body"])["access_token"] == REDACTED
    bearer = [value for e in shown for name, value in e["request"]["headers"] if name == "authorization"]
    assert bearer == [f"Bearer {REDACTED}"] * 2


def test_a_long_body_is_kept_cut_at_the_cap_and_says_so(api: Api) -> None:
    raw = json.dumps({"pad": "x" * (LOGGED_BODY_BYTES + 500)}).encode()
    assert_success(api.call("POST", ECHO, content=raw, headers={"Content-Type": "application/json"}))
    request = detail(api, ECHO)["request"]
    assert isinstance(request, dict)
    assert request["truncated"] is True and request["bytes"] == len(raw)
    assert len(request["body"]) == LOGGED_BODY_BYTES


def test_a_secret_in_a_body_cut_short_is_still_redacted() -> None:
    whole = json.dumps({"pad": "x" * 40, "client_secret": "s3cr3t-value-that-runs-long"}).encode()
    for cut in (len(whole) - 1, len(whole) - 10, whole.index(b"s3cr3t") + 3):
        shown = redact_body(whole[:cut], "application/json")
        assert "s3c" not in shown and REDACTED in shown, shown
    nested = redact_body(b'{"result": [{"Refresh_Token": "r1", "access_token": "a1", "id": 7}]}', "application/json")
    assert json.loads(nested) == {"result": [{"Refresh_Token": REDACTED, "access_token": REDACTED, "id": 7}]}
    assert redact_body(b"\xff\xfe\x00binary", "application/octet-stream") == "<9 bytes, not UTF-8 text>"
    assert redact_body(b"client_id=a&CLIENT_SECRET=b", "application/x-www-form-urlencoded") == (
        f"client_id=a&CLIENT_SECRET={REDACTED}"
    )
    assert redact_body(b"grant_type=x&client_secret=s3&refresh_token=r", "") == (
        f"grant_type=x&client_secret={REDACTED}&refresh_token={REDACTED}"
    )  # a form sent without its content type


def test_a_streamed_export_file_is_not_kept(api: Api) -> None:
    assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "f@example.com"}]}))
    job = completed_export(api, lead_export())
    downloaded = export_call(api, job["exportId"], "file")
    assert downloaded.status_code == 200 and b"f@example.com" in downloaded.content
    shown = detail(api, f"/bulk/v1/leads/export/{job['exportId']}/file.json")
    response = shown["response"]
    assert isinstance(response, dict)
    assert response["body"] is None and response["bytes"] is None and shown["status"] == 200
    assert "content-length" not in dict(response["headers"]) and "accept-ranges" in dict(response["headers"])


def test_an_entry_that_left_the_log_is_404(api: Api) -> None:
    assert api.http.get("/_mkto/requests/999999").status_code == 404


# -- the log's filters ----------------------------------------------------------------------------------------


def test_the_log_filters_by_code_and_by_api_user(api: Api) -> None:
    other = api.admin("POST", "/users", json={"email": "other@mkto.local"}).json()
    theirs = api.token(other["client_id"], other["client_secret"])
    mine = api.token()
    assert_success(api.call("GET", ECHO, token=mine))
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json", token=theirs), "610")
    assert_marketo_error(api.call("GET", ECHO, auth=False), "601")
    rest = [e for e in entries(api) if e["path"] != "/identity/oauth/token"]
    assert [e["code"] for e in rest] == ["601", "610", None]
    assert [e["user"] for e in rest] == [None, None, api.emu.client_id]  # 610 answers before the token is read
    assert [e["code"] for e in entries(api, code="610")] == ["610"]
    assert [e["code"] for e in entries(api, code="error")] == ["601", "610"]
    assert {e["code"] for e in entries(api, code="ok")} == {None}
    assert [e["path"] for e in entries(api, user=other["client_id"])] == ["/identity/oauth/token"]
    assert [e["path"] for e in entries(api, user=api.emu.client_id, code="ok")] == [ECHO, "/identity/oauth/token"]


# -- the data browser -----------------------------------------------------------------------------------------


def test_browse_leads_by_page(api: Api) -> None:
    people = [{"email": f"p{n}@example.com", "firstName": f"P{n}"} for n in range(5)]
    assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": people}))
    first = api.admin("GET", "/browse/leads", params={"offset": 0, "limit": 2}).json()
    second = api.admin("GET", "/browse/leads", params={"offset": 2, "limit": 2}).json()
    assert first["total"] == 5 and [lead["email"] for lead in first["leads"]] == ["p0@example.com", "p1@example.com"]
    assert [lead["firstName"] for lead in second["leads"]] == ["P2", "P3"]
    assert api.http.get("/_mkto/browse/leads", params={"limit": "many"}).status_code == 400
    assert api.usage()["daily"]["calls"] == 1  # browsing is never counted


def test_browse_lists_with_their_member_counts(api: Api) -> None:
    folder = json.dumps({"id": 12, "type": "Folder"})
    created = api.call("POST", "/rest/asset/v1/staticLists.json", data={"name": "VIPs", "folder": folder})
    list_id = created.json()["result"][0]["id"]
    [lead] = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "v@x.com"}]}))["result"]
    assert_success(api.call("POST", f"/rest/v1/lists/{list_id}/leads.json", json={"input": [{"id": lead["id"]}]}))
    shown = api.admin("GET", "/browse/lists").json()
    assert shown["total"] == 1
    assert [(x["id"], x["name"], x["members"]) for x in shown["lists"]] == [(list_id, "VIPs", 1)]


def test_browse_bulk_jobs_with_the_state_a_poll_would_see(api: Api) -> None:
    api.at_midday()
    files = {"file": ("leads.csv", b"email\nq@example.com\n", "text/csv")}
    [job] = assert_success(api.call("POST", "/bulk/v1/leads.json", params={"format": "csv"}, files=files))["result"]
    body = {"fields": ["id", "email"], "filter": {"createdAt": {"startAt": "2000-01-01T00:00:00Z",
                                                                "endAt": "2000-01-31T00:00:00Z"}}}  # fmt: skip
    [export] = assert_success(api.call("POST", "/bulk/v1/leads/export/create.json", json=body))["result"]
    calls = api.usage()["daily"]["calls"]
    shown = api.admin("GET", "/browse/bulk").json()
    assert [(j["batchId"], j["status"]) for j in shown["imports"]] == [(job["batchId"], "Queued")]
    assert [(j["exportId"], j["status"], j["object"]) for j in shown["exports"]] == [
        (export["exportId"], "Created", "leads")
    ]
    api.advance(3600)
    later = api.admin("GET", "/browse/bulk").json()
    assert later["imports"][0]["status"] == "Complete" and later["imports"][0]["numOfLeadsProcessed"] == 1
    assert api.usage()["daily"]["calls"] == calls


def test_browse_instance_names_the_munchkin_id(api: Api) -> None:
    assert api.admin("GET", "/browse/instance").json()["munchkinId"] == api.emu.emulation.munchkin_id == "123-ABC-456"


@pytest.mark.parametrize("path", ["/browse/leads", "/browse/lists", "/browse/bulk"])
def test_browse_views_of_an_empty_instance(api: Api, path: str) -> None:
    shown = api.admin("GET", path).json()
    assert all(value == [] for key, value in shown.items() if isinstance(value, list)), shown
