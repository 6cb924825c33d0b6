"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a running emulator, while
the real `mkto.Client` makes calls. Calls appear with their codes; a fault armed from the page answers the
next call; so does a scenario, whose record the page shows; neighbours set from the page show on the gauges; the clock advanced from the page expires a token; a clicked row shows its bodies with the secrets
redacted; a screenshot is taken under load. Needs /usr/bin/chromium (`.ci/run` installs it): without it the
test skips, and fails when MKTO_REQUIRE_SERVICES=1.

    MKTO_DASHBOARD_SCREENSHOT=docs/dashboard.png pytest tests/emulator/test_dashboard_browser.py   # the doc's image
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import mkto
from mkto.client import RetryPolicy
from mkto.emulator import Emulator
from mkto.errors import Error603

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 15_000
LEADS = "/rest/v1/leads.json"
IDENTITY = "/identity/oauth/token"
LOAD_S = 6  # seconds of calls before the screenshot (the doc's picture waits longer, for a fuller chart)
LOAD_FOR_DOC_S = 40


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing is not None:
        if os.environ.get("MKTO_REQUIRE_SERVICES") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


def client_of(emu: Emulator) -> mkto.Client:
    fast = RetryPolicy(max_attempts=3, deadline_s=60.0, base_delay_s=0.01, max_delay_s=0.05)
    return mkto.Client(base_url=emu.base_url, client_id=emu.client_id, client_secret=emu.client_secret, retry=fast)


def logged(emu: Emulator) -> list[dict[str, Any]]:
    return list(httpx.get(f"{emu.admin_url}/requests", params={"limit": 1000}).json()["requests"])


def test_the_dashboard_in_chromium(browser: Any, emulator: Emulator, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{emulator.admin_url}/")
    expect(page.locator("#munchkin")).to_have_text("123-ABC-456")
    rows = page.locator("#log-table tbody tr")

    # Calls made with the client appear with their codes (and the raw 610 with its own).
    client = client_of(emulator)
    client.leads.sync([{"email": f"ada{n}@example.com", "firstName": "Ada", "lastName": f"L{n}"} for n in range(3)])
    assert [lead["email"] for lead in client.leads.get_by_filter("email", ["ada1@example.com"])] == ["ada1@example.com"]
    token = httpx.get(f"{emulator.base_url}{IDENTITY}", params={"grant_type": "client_credentials",
                      "client_id": emulator.client_id, "client_secret": emulator.client_secret}).json()["access_token"]  # fmt: skip
    missing = httpx.get(f"{emulator.base_url}/rest/v1/nothing.json", headers={"Authorization": f"Bearer {token}"})
    assert missing.json()["errors"][0]["code"] == "610"
    expect(rows.filter(has_text=LEADS)).to_have_count(2)
    expect(rows.filter(has_text="/rest/v1/nothing.json").locator("td").nth(4)).to_have_text("610")
    expect(rows.filter(has_text=LEADS).first.locator("td").nth(4)).to_have_text("ok")

    # A fault armed from the page answers the next call with its code.
    page.fill("#fault-code", "603")
    page.fill("#fault-path", "/rest/v1/leads*")
    page.fill("#fault-times", "1")
    page.click("#fault-arm")
    expect(page.locator("#fault-table tbody tr[data-fault]")).to_have_count(1)
    with pytest.raises(Error603):
        client.leads.get_by_filter("email", ["ada2@example.com"])
    expect(page.locator('#log-table tbody tr[data-code="603"]')).to_have_count(1)
    expect(page.locator("#fault-table tbody tr[data-fault]")).to_have_count(0)  # times 1: spent, gone
    page.fill("#fault-code", "611")
    page.fill("#fault-path", "/rest/v1/campaigns*")
    page.fill("#fault-times", "")
    page.click("#fault-arm")
    expect(page.locator("#fault-table tbody tr[data-fault]")).to_have_count(1)
    page.locator("#fault-table button.disarm").click()
    expect(page.locator("#fault-table tbody tr[data-fault]")).to_have_count(0)
    assert httpx.get(f"{emulator.admin_url}/faults").json() == {"faults": []}
    page.fill("#fault-code", "9999")  # no such code: the page says why, nothing is armed
    page.click("#fault-arm")
    expect(page.locator("#fault-error")).to_be_visible()
    assert httpx.get(f"{emulator.admin_url}/faults").json() == {"faults": []}
    refused = [p for p in problems if "status of 400" in p]
    assert len(refused) == 1  # Chromium reports the refused POST on the console: that one is expected
    problems.remove(refused[0])
    page.fill("#fault-code", "603")
    page.fill("#fault-path", "/rest/v1/leads*")
    page.fill("#fault-times", "1")

    # The clock advanced from the page expires the token: the next raw call with it is answered 602.
    before = page.locator("#clock-now").inner_text()
    page.click('[data-advance="3601"]')
    expect(page.locator("#clock-now")).not_to_have_text(before)
    expired = httpx.get(f"{emulator.base_url}{LEADS}", params={"filterType": "email", "filterValues": "x@y.z"},
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert expired.json()["errors"][0]["code"] == "602"
    expect(page.locator('#log-table tbody tr[data-code="602"]')).to_have_count(1)
    client.leads.get_by_filter("email", ["ada0@example.com"])  # the client fetches a new token and goes on
    expect(rows.filter(has_text=IDENTITY)).to_have_count(3)

    # The filters narrow the log; a clicked row shows its bodies with every secret redacted.
    page.select_option("#filter-code", "603")
    expect(rows).to_have_count(1)
    page.select_option("#filter-code", "")
    rows.filter(has_text=IDENTITY).last.click()
    response_body = page.locator('#detail pre[data-part="response"]')
    expect(response_body).to_contain_text('"access_token": "<redacted>"')
    rows.filter(has_text="/rest/v1/nothing.json").click()
    expect(page.locator("#detail pre.headers").first).to_contain_text("authorization: Bearer <redacted>")
    expect(page.locator('#detail pre[data-part="response"]')).to_contain_text('"code": "610"')
    text = page.content()
    assert token not in text and emulator.client_secret not in text

    # The data browser shows the leads the client made, and the bulk jobs (none yet).
    expect(page.locator("#browse-body tbody tr")).to_have_count(3)
    expect(page.locator("#browse-body")).to_contain_text("ada2@example.com")
    page.locator('[data-tab="bulk"]').click()
    expect(page.locator("#browse-body h3")).to_have_text(["imports", "extracts"])
    page.locator('[data-tab="leads"]').click()
    expect(page.locator("#page-info")).to_have_text("1–3 of 3")

    # A scenario armed from the page's one-step form answers the client's next call, and its record shows what
    # the client sent: the 604, then the client's retry with a valid token, let through once the step is spent.
    scenario_rows = page.locator("#scenario-table tbody tr[data-scenario]")
    page.fill("#scenario-answer", "604")
    page.fill("#scenario-client", emulator.client_id)
    page.fill("#scenario-path", "/rest/v1/leads*")
    page.click("#scenario-arm")
    expect(scenario_rows).to_have_count(1)
    expect(scenario_rows.locator("td.left")).to_have_text("1")
    assert [lead["email"] for lead in client.leads.get_by_filter("email", ["ada1@example.com"])] == ["ada1@example.com"]
    expect(scenario_rows.locator("td.left")).to_have_text("0")
    recorded = page.locator("#scenario-calls tbody tr")
    expect(recorded).to_have_count(2)
    expect(recorded.locator("td:nth-child(6)")).to_have_text(["604", "200"])
    (scenario,) = httpx.get(f"{emulator.admin_url}/scenarios").json()["scenarios"]
    assert [(c["answered"], c["step"], c["token_valid"]) for c in scenario["calls"]] == [("604", 0, True), ("200", None, True)]
    # The JSON editor arms a sequence; the client raises its 603 at once. End all clears the table.
    page.fill("#scenario-answer", "")
    page.fill("#scenario-steps", '[{"answer": "603"}, {"answer": "pass", "times": 2}]')
    page.click("#scenario-arm")
    expect(scenario_rows).to_have_count(2)
    expect(scenario_rows.nth(1).locator("td.steps")).to_have_text("603, pass ×2")
    with pytest.raises(Error603):
        client.leads.get_by_filter("email", ["ada1@example.com"])
    expect(scenario_rows.nth(1).locator("td.left")).to_have_text("1")
    page.click("#scenario-clear")
    expect(scenario_rows).to_have_count(0)
    assert httpx.get(f"{emulator.admin_url}/scenarios").json() == {"scenarios": []}
    page.fill("#scenario-steps", "")
    page.fill("#scenario-client", "")
    page.fill("#scenario-path", "")

    # Neighbours set from the page take their share of the gauges, shown apart from the callers' own use.
    httpx.put(f"{emulator.admin_url}/limits", json={"rate_calls": 20}).raise_for_status()
    page.fill("#nb-window", "15")
    page.fill("#nb-flight", "4")
    page.click("#neighbours-set")
    expect(page.locator("#gauge-rate p.others")).to_have_text("+ 15 used by neighbours")
    expect(page.locator("#gauge-flight p.others")).to_have_text("+ 4 used by neighbours")
    expect(page.locator("#gauge-daily p.others")).to_have_text("")
    expect(page.locator("#gauge-rate .bar i.others")).to_have_attribute("style", re.compile(r"width: 75%"))
    expect(page.locator("#neighbours-now")).to_contain_text("15 calls per window, 4 in flight")
    assert httpx.get(f"{emulator.admin_url}/neighbours").json() == {"calls_per_window": 15, "in_flight": 4, "daily_calls": 0}
    page.click("#neighbours-clear")
    expect(page.locator("#gauge-rate p.others")).to_have_text("")
    assert httpx.get(f"{emulator.admin_url}/neighbours").json() == {"calls_per_window": 0, "in_flight": 0, "daily_calls": 0}
    httpx.put(f"{emulator.admin_url}/limits", json={"rate_calls": 100}).raise_for_status()

    shot = screenshot_under_load(page, emulator, tmp_path / "dashboard.png")
    assert shot.stat().st_size > 20_000
    if target := os.environ.get("MKTO_DASHBOARD_SCREENSHOT"):
        shutil.copyfile(shot, target)

    # Nothing the browser asked for by itself is in the log: every entry is a call this test made.
    paths = {entry["path"] for entry in logged(emulator)}
    assert {LEADS, IDENTITY, "/rest/v1/nothing.json"} <= paths
    assert [p for p in paths if not p.startswith(("/rest/", IDENTITY))] == []
    assert problems == []
    page.close()
    client.close()


def screenshot_under_load(page: Any, emu: Emulator, path: Path) -> Path:
    """Three threads call through one client for a few seconds, slowed so that calls are in flight; a plan
    answers half the list reads 611, which the client retries; neighbours hold slots beside them and a scenario
    records the leads reads. A list, a clicked row and the scenario's record fill the rest of the page. The picture is taken while the calls run."""
    from playwright.sync_api import expect

    admin = httpx.Client(base_url=emu.admin_url)
    admin.post("/faults", json={"latency_ms": 800, "path": LEADS, "method": "GET"}).raise_for_status()
    admin.post("/faults", json={"code": "611", "path": "/rest/v1/lists.json", "probability": 0.5}).raise_for_status()
    # Neighbours hold two slots and part of the day; a scenario answers the leads reads' first call with a
    # gateway page, then lets them through, slowed by its own steps (a call a scenario takes meets no fault plan).
    admin.put("/neighbours", json={"in_flight": 2, "daily_calls": 12_000}).raise_for_status()
    steps = [{"answer": "http:502"}, {"answer": "pass", "times": 100_000, "latency_ms": 800}]
    scenario = admin.post("/scenarios", json={"client_id": emu.client_id, "path": LEADS, "steps": steps}).json()["id"]
    stop = threading.Event()

    shared = client_of(emu)  # one client, one limiter: the threads keep within the rate window together

    def load(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                if n % 3 == 0:
                    list(shared.lists.iter())
                else:
                    shared.leads.get_by_filter("email", [f"ada{(worker + n) % 3}@example.com"])
            except mkto.errors.MarketoError:
                pass

    shared.lists.add(client_list(emu), [1, 2])
    workers = [threading.Thread(target=load, args=(w,), daemon=True) for w in range(3)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(LOAD_FOR_DOC_S if os.environ.get("MKTO_DASHBOARD_SCREENSHOT") else LOAD_S)
        page.locator("#log-table tbody tr").filter(has_text=LEADS).first.click()
        page.locator('[data-tab="lists"]').click()
        page.locator(f'#scenario-table tr[data-scenario="{scenario}"]').click()
        expect(page.locator("#scenario-calls tbody tr").first).to_contain_text("http:502")
        expect(page.locator("#browse-body")).to_contain_text("Dashboard demo")
        expect(page.locator("#gauge-flight .figure")).not_to_have_text(re.compile(r"^0 /"))
        page.screenshot(path=str(path), full_page=True)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        admin.delete("/faults").raise_for_status()
        admin.delete("/scenarios").raise_for_status()
        admin.delete("/neighbours").raise_for_status()
        admin.close()
        shared.close()
    return path


def client_list(emu: Emulator) -> int:
    """A static list made through the asset API (folder 12 is "Group Lists")."""
    token = httpx.get(f"{emu.base_url}{IDENTITY}", params={"grant_type": "client_credentials",
                      "client_id": emu.client_id, "client_secret": emu.client_secret}).json()["access_token"]  # fmt: skip
    created = httpx.post(f"{emu.base_url}/rest/asset/v1/staticLists.json", headers={"Authorization": f"Bearer {token}"},
                         data={"name": "Dashboard demo", "folder": '{"id": 12, "type": "Folder"}'})  # fmt: skip
    return int(created.json()["result"][0]["id"])


def test_with_an_admin_token_the_page_sends_it_from_its_fragment(browser: Any) -> None:
    from playwright.sync_api import expect

    with Emulator(admin_token="open-sesame") as emu:
        page = browser.new_page()
        page.goto(f"{emu.admin_url}/#token=open-sesame")
        expect(page.locator("#munchkin")).to_have_text("123-ABC-456", timeout=TIMEOUT_MS)
        expect(page.locator("#live")).to_have_text("live", timeout=TIMEOUT_MS)
        page.goto(f"{emu.admin_url}/")  # no token: the page loads, its reads are refused and it says so
        expect(page.locator("#live")).to_contain_text("disconnected", timeout=TIMEOUT_MS)
        page.close()
