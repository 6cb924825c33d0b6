// The mkto emulator dashboard. Everything comes from the admin API's JSON endpoints, by URLs relative to
// this page (so the same page works for an instance served under /i/{munchkin_id}/_mkto/), polled once a
// second. No library: the chart is drawn as SVG by hand.
"use strict";

const POLL_MS = 1000;
const BROWSE_EVERY = 5; // polls between two reads of the data browser
const LOG_LIMIT = 200;
const CHART_SAMPLES = 180; // one a poll: the last three minutes
const CHART_MIN_SPAN = 60; // a young chart is drawn over a minute, not squeezed into the right edge
const BROWSE_PAGE = 20;
const SERIES = [
  { key: "rate", label: "rate window", color: "#2f6fde" },
  { key: "flight", label: "in flight", color: "#c77700" },
  { key: "daily", label: "daily quota", color: "#1f8a4c" },
  { key: "export", label: "export bytes", color: "#8e44ad" },
];

// With `mkto serve --admin-token T`, open the page as .../_mkto/#token=T: the token goes in a header, never a URL.
const adminToken = new URLSearchParams(location.hash.slice(1)).get("token");
const state = {
  samples: [], users: new Set(), codes: new Set(), selected: null, tab: "leads", offset: 0, polls: 0, busy: false,
  scenario: null, // the scenario whose call record is shown
};

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (adminToken) headers.Authorization = `Bearer ${adminToken}`;
  if (options.json !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method: options.method || "GET",
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
    cache: "no-store",
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

const pct = (used, limit) => (limit > 0 ? Math.min(100, (100 * used) / limit) : 0);
const when = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+/, "").replace("+00:00", "Z") : "");
const bytes = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);

// -- limits in use ---------------------------------------------------------------------------------------------
// The bar stacks the neighbours' share (hatched) before the callers' own; the figure is the callers' own use.
function gauge(id, used, limit, figure, note, others = 0) {
  const box = $(id);
  const theirs = pct(others, limit);
  const share = pct(used + others, limit);
  box.querySelector(".bar i.others").style.width = `${theirs}%`;
  box.querySelector(".bar i.mine").style.width = `${share - theirs}%`;
  box.classList.toggle("high", share >= 75 && share < 100);
  box.classList.toggle("full", share >= 100);
  box.querySelector(".figure").textContent = figure;
  box.querySelector("p.others").textContent = others ? `+ ${others} used by neighbours` : "";
  box.querySelector(".note").textContent = note;
}

function showUsage(usage) {
  const { rate_window: rate, in_flight: flight, daily, export_bytes_today: exp, neighbours: nb } = usage;
  gauge("gauge-rate", rate.calls, rate.limit, `${rate.calls} / ${rate.limit}`, `calls in the trailing ${rate.seconds} s`,
    nb.calls_per_window);
  gauge("gauge-flight", flight.calls, flight.limit, `${flight.calls} / ${flight.limit}`, "calls being served now", nb.in_flight);
  gauge("gauge-daily", daily.calls, daily.quota, `${daily.calls} / ${daily.quota}`, `resets ${when(daily.resets_at)}`,
    nb.daily_calls);
  // The export allowance is counted per day too, on the same midnight (US Central) as the daily quota.
  gauge("gauge-export", exp.bytes, exp.limit, `${bytes(exp.bytes)} / ${bytes(exp.limit)}`, `resets ${when(daily.resets_at)}`);
  showNeighbours(nb);
  // The chart draws how full each limit is: the neighbours' share counts, as it does at the gates.
  state.samples.push({
    rate: pct(rate.calls + nb.calls_per_window, rate.limit),
    flight: pct(flight.calls + nb.in_flight, flight.limit),
    daily: pct(daily.calls + nb.daily_calls, daily.quota),
    export: pct(exp.bytes, exp.limit),
  });
  if (state.samples.length > CHART_SAMPLES) state.samples.shift();
  $("chart-span").textContent = `percent of each limit, one point a second, last ${Math.max(CHART_MIN_SPAN, state.samples.length)} s`;
  drawChart();
}

function drawChart() {
  const svg = $("chart");
  const ns = "http://www.w3.org/2000/svg";
  const width = 600, height = 160, pad = 4;
  const span = Math.max(CHART_MIN_SPAN, state.samples.length);
  const x = (i) => (i / (span - 1)) * width;
  const y = (v) => height - pad - (v / 100) * (height - 2 * pad);
  const parts = [];
  for (const level of [25, 50, 75, 100]) {
    const line = document.createElementNS(ns, "line");
    Object.entries({ x1: 0, x2: width, y1: y(level), y2: y(level), stroke: "#e3e7ee", "stroke-width": 1 })
      .forEach(([k, v]) => line.setAttribute(k, v));
    parts.push(line);
  }
  const offset = span - state.samples.length;
  for (const series of SERIES) {
    const path = document.createElementNS(ns, "polyline");
    const points = state.samples.map((s, i) => `${x(offset + i).toFixed(1)},${y(s[series.key]).toFixed(1)}`);
    path.setAttribute("points", points.join(" "));
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", series.color);
    path.setAttribute("stroke-width", 2);
    path.setAttribute("vector-effect", "non-scaling-stroke");
    path.dataset.series = series.key;
    parts.push(path);
  }
  svg.replaceChildren(...parts);
}

function legend() {
  const items = SERIES.map((s) => {
    const swatch = el("b");
    swatch.style.background = s.color;
    return el("span", {}, swatch, s.label);
  });
  $("chart-legend").replaceChildren(...items, el("span", { id: "chart-span" }));
}

// -- clock -----------------------------------------------------------------------------------------------------
async function advance(seconds) {
  const clock = await api("clock", { method: "POST", json: { advance: seconds } });
  $("clock-now").textContent = when(clock.now);
  await poll();
}

// -- fault plans -----------------------------------------------------------------------------------------------
function showFaults(faults) {
  const rows = faults.map((f) =>
    el("tr", { "data-fault": f.id },
      el("td", {}, f.id), el("td", {}, f.code ?? (f.latency_ms ? `+${f.latency_ms} ms` : "")),
      el("td", {}, f.method ?? "any"), el("td", {}, f.path ?? "*"),
      el("td", {}, f.times ?? "∞"), el("td", {}, f.fired),
      el("td", {}, el("button", { type: "button", class: "disarm", onclick: () => disarm(f.id) }, "Disarm"))));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 7, class: "note" }, "no fault plan armed")));
  fill($("fault-table").tBodies[0], rows);
}

async function arm(event) {
  event.preventDefault();
  const plan = {};
  const code = $("fault-code").value.trim();
  if (code) plan.code = code;
  if ($("fault-path").value.trim()) plan.path = $("fault-path").value.trim();
  if ($("fault-method").value) plan.method = $("fault-method").value;
  if ($("fault-times").value) plan.times = Number($("fault-times").value);
  if ($("fault-latency").value) plan.latency_ms = Number($("fault-latency").value);
  const error = $("fault-error");
  try {
    await api("faults", { method: "POST", json: plan });
    error.hidden = true;
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  }
  await poll();
}

async function disarm(id) {
  await api(id === undefined ? "faults" : `faults/${id}`, { method: "DELETE" });
  await poll();
}

// -- noisy neighbours ------------------------------------------------------------------------------------------
function showNeighbours(nb) {
  const on = nb.calls_per_window || nb.in_flight || nb.daily_calls;
  $("neighbours-now").textContent = on
    ? `now: ${nb.calls_per_window} calls per window, ${nb.in_flight} in flight, ${nb.daily_calls} calls a day`
    : "none: the callers have the instance to themselves";
}

async function setNeighbours(event) {
  event.preventDefault();
  const share = {};
  for (const [id, name] of [["nb-window", "calls_per_window"], ["nb-flight", "in_flight"], ["nb-daily", "daily_calls"]]) {
    if ($(id).value !== "") share[name] = Number($(id).value);
  }
  await report($("neighbours-error"), () => api("neighbours", { method: "PUT", json: share }));
  await poll();
}

async function stopNeighbours() {
  await api("neighbours", { method: "DELETE" });
  for (const id of ["nb-window", "nb-flight", "nb-daily"]) $(id).value = "";
  await poll();
}

async function report(box, action) {
  try {
    await action();
    box.hidden = true;
  } catch (err) {
    box.textContent = err.message;
    box.hidden = false;
  }
}

// -- scripted scenarios ----------------------------------------------------------------------------------------
const stepText = (s) => `${s.answer}${s.times > 1 ? ` ×${s.times}` : ""}${s.after_commit ? " after commit" : ""}` +
  `${s.latency_ms ? ` +${s.latency_ms} ms` : ""}`;

function showScenarios(scenarios) {
  const rows = scenarios.map((s) => {
    const row = el("tr", { "data-scenario": s.id, onclick: () => { state.scenario = s.id; showScenarios(scenarios); } },
      el("td", {}, s.id), el("td", { class: "path" }, s.client_id ?? "anyone"), el("td", {}, s.method ?? "any"),
      el("td", { class: "path" }, s.path ?? "*"), el("td", { class: "steps" }, s.steps.map(stepText).join(", ")),
      el("td", { class: "left" }, s.steps_left), el("td", {}, s.calls.length),
      el("td", {}, el("button", { type: "button", class: "end", onclick: (e) => { e.stopPropagation(); endScenario(s.id); } }, "End")));
    if (s.id === state.scenario) row.classList.add("selected");
    return row;
  });
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 8, class: "note" }, "no scenario armed")));
  fill($("scenario-table").tBodies[0], rows);
  const chosen = scenarios.find((s) => s.id === state.scenario);
  if (chosen) showRecord(chosen);
  else if (state.scenario !== null) {
    state.scenario = null;
    $("scenario-record").replaceChildren(el("p", { class: "note" }, "the scenario has ended"));
  }
}

function showRecord(scenario) {
  const columns = ["time", "method", "path", "token", "valid", "answered", "step"];
  const records = scenario.calls.map((c) => ({
    time: when(c.time).slice(11), method: c.method, path: c.path, token: c.had_token ? "yes" : "none",
    valid: c.token_valid === null ? "" : c.token_valid ? "yes" : "no", answered: c.answered ?? "…", step: c.step ?? "—",
  }));
  const tableNode = table(columns, records);
  tableNode.id = "scenario-calls";
  $("scenario-record").replaceChildren(
    el("h3", {}, `scenario ${scenario.id}: ${scenario.steps_left} step(s) left`), tableNode);
}

async function armScenario(event) {
  event.preventDefault();
  const scenario = {};
  const stepsJson = $("scenario-steps").value.trim();
  await report($("scenario-error"), async () => {
    if (stepsJson) {
      try {
        scenario.steps = JSON.parse(stepsJson);
      } catch (err) {
        throw new Error(`steps: not JSON (${err.message})`);
      }
    } else {
      const step = { answer: $("scenario-answer").value.trim() };
      if ($("scenario-times").value) step.times = Number($("scenario-times").value);
      scenario.steps = [step];
    }
    if ($("scenario-client").value.trim()) scenario.client_id = $("scenario-client").value.trim();
    if ($("scenario-method").value) scenario.method = $("scenario-method").value;
    if ($("scenario-path").value.trim()) scenario.path = $("scenario-path").value.trim();
    const armed = await api("scenarios", { method: "POST", json: scenario });
    state.scenario = armed.id;
  });
  await poll();
}

async function endScenario(id) {
  await api(id === undefined ? "scenarios" : `scenarios/${id}`, { method: "DELETE" });
  await poll();
}

// The API users a scenario can be bound to (their client ids; nothing secret is shown).
async function knownUsers() {
  const { users } = await api("users");
  fill($("known-users"), users.map((u) => el("option", { value: u.client_id }, u.email)));
}

// -- request log -----------------------------------------------------------------------------------------------
function codeClass(entry) {
  if (!entry.code) return "code-ok";
  return ["606", "607", "615"].includes(entry.code) ? "code-wait" : "code-err";
}

function remember(set, value, select) {
  if (value == null || set.has(value)) return;
  set.add(value);
  select.append(el("option", { value }, value));
}

function showLog(entries) {
  for (const e of entries) {
    remember(state.users, e.user, $("filter-user"));
    remember(state.codes, e.code, $("filter-code"));
  }
  const rows = entries.map((e) => {
    const row = el("tr", { "data-id": e.id, "data-code": e.code ?? "", onclick: () => select(e.id) },
      el("td", {}, when(e.time).slice(11)), el("td", {}, e.method), el("td", { class: "path", title: e.path }, e.path),
      el("td", {}, e.status), el("td", { class: codeClass(e) }, e.code ?? "ok"), el("td", {}, e.latency_ms.toFixed(1)),
      el("td", {}, el("code", {}, e.requestId ?? "")), el("td", {}, e.user ?? ""));
    if (e.id === state.selected) row.classList.add("selected");
    return row;
  });
  fill($("log-table").tBodies[0], rows);
  $("log-count").textContent = `${entries.length} shown (newest first)`;
}

function section(title, part) {
  const headers = part.headers.map(([name, value]) => `${name}: ${value}`).join("\n");
  const size = part.bytes == null ? "streamed, not kept" : `${part.bytes} bytes${part.truncated ? ", cut short" : ""}`;
  return [
    el("h3", {}, `${title} `, el("span", { class: "note" }, size)),
    el("pre", { class: "headers" }, headers),
    el("pre", { class: "body", "data-part": title.toLowerCase() }, part.body || (part.bytes === 0 ? "(no body)" : "")),
  ];
}

async function select(id) {
  state.selected = id;
  document.querySelectorAll("#log-table tr.selected").forEach((r) => r.classList.remove("selected"));
  document.querySelector(`#log-table tr[data-id="${id}"]`)?.classList.add("selected");
  const detail = $("detail");
  try {
    const entry = await api(`requests/${id}`);
    const target = entry.request.query ? `${entry.path}?${entry.request.query}` : entry.path;
    detail.replaceChildren(
      el("p", {}, el("code", {}, `${entry.method} ${target}`), ` → ${entry.status} ${entry.code ?? "ok"}`,
        typeof entry.fault === "string" ? ` (${entry.fault.replace(":", " ")})` : entry.fault ? ` (fault plan ${entry.fault})` : ""),
      ...section("Request", entry.request), ...section("Response", entry.response));
  } catch (err) {
    detail.replaceChildren(el("p", { class: "error" }, err.message));
  }
}

// -- data browser ----------------------------------------------------------------------------------------------
function table(columns, records) {
  const head = el("tr", {}, ...columns.map((c) => el("th", {}, c)));
  const body = records.map((r) => el("tr", {}, ...columns.map((c) => el("td", {}, r[c] ?? ""))));
  if (!body.length) body.push(el("tr", {}, el("td", { colspan: columns.length, class: "note" }, "none")));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...body));
}

async function browse() {
  const target = $("browse-body");
  try {
    if (state.tab === "bulk") {
      const jobs = await api("browse/bulk");
      $("page-info").textContent = "";
      target.replaceChildren(
        el("h3", {}, "imports"), table(["batchId", "object", "status", "numOfLeadsProcessed", "numOfRowsFailed", "clientId"], jobs.imports),
        el("h3", {}, "extracts"), table(["exportId", "object", "status", "createdAt", "numberOfRecords", "fileSize", "clientId"], jobs.exports));
      return;
    }
    const page = await api(`browse/${state.tab}?offset=${state.offset}&limit=${BROWSE_PAGE}`);
    const last = Math.min(page.offset + BROWSE_PAGE, page.total);
    $("page-info").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "0";
    const columns = state.tab === "leads"
      ? ["id", "email", "firstName", "lastName", "company", "leadPartitionId", "updatedAt"]
      : ["id", "name", "members", "programName", "workspaceName", "updatedAt"];
    target.replaceChildren(table(columns, page[state.tab]));
  } catch (err) {
    target.replaceChildren(el("p", { class: "error" }, err.message));
  }
}

function page(step) {
  if (state.tab === "bulk") return;
  state.offset = Math.max(0, state.offset + step * BROWSE_PAGE);
  browse();
}

// -- the poll --------------------------------------------------------------------------------------------------
async function poll() {
  if (state.busy) return; // a slow answer: skip this tick rather than pile requests up
  state.busy = true;
  try {
    await refresh();
  } finally {
    state.busy = false;
  }
}

async function refresh() {
  const filters = new URLSearchParams({ limit: LOG_LIMIT });
  if ($("filter-code").value) filters.set("code", $("filter-code").value);
  if ($("filter-user").value) filters.set("user", $("filter-user").value);
  try {
    const [clock, usage, faults, scenarios, log] = await Promise.all([
      api("clock"), api("usage"), api("faults"), api("scenarios"), api(`requests?${filters}`),
    ]);
    $("clock-now").textContent = when(clock.now);
    showUsage(usage);
    showFaults(faults.faults);
    showScenarios(scenarios.scenarios);
    showLog(log.requests);
    $("live").classList.remove("stale");
    $("live").textContent = "live";
  } catch (err) {
    $("live").classList.add("stale");
    $("live").textContent = `disconnected: ${err.message}`;
  }
  if (state.polls++ % BROWSE_EVERY === 0) {
    browse();
    knownUsers().catch(() => {});
  }
}

async function start() {
  legend();
  $("clock-form").addEventListener("submit", (e) => { e.preventDefault(); advance(Number($("clock-seconds").value)); });
  document.querySelectorAll("[data-advance]").forEach((b) => b.addEventListener("click", () => advance(Number(b.dataset.advance))));
  $("fault-form").addEventListener("submit", arm);
  $("fault-clear").addEventListener("click", () => disarm());
  $("neighbours-form").addEventListener("submit", setNeighbours);
  $("neighbours-clear").addEventListener("click", stopNeighbours);
  $("scenario-form").addEventListener("submit", armScenario);
  $("scenario-clear").addEventListener("click", () => endScenario());
  $("filter-code").addEventListener("change", poll);
  $("filter-user").addEventListener("change", poll);
  document.querySelectorAll("[data-tab]").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("[data-tab]").forEach((o) => o.classList.toggle("active", o === b));
    state.tab = b.dataset.tab;
    state.offset = 0;
    browse();
  }));
  $("page-prev").addEventListener("click", () => page(-1));
  $("page-next").addEventListener("click", () => page(1));
  api("browse/instance").then((info) => {
    $("munchkin").textContent = info.munchkinId;
    document.title = `mkto emulator ${info.munchkinId}`;
  }).catch(() => {});
  await poll();
  setInterval(poll, POLL_MS);
}

start();
