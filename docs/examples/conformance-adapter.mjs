// A Marketo client in plain Node.js (20+, global fetch), written to the conformance protocol of
// docs/conformance.md:  node conformance-adapter.mjs OPERATION [OPTIONS_JSON] < records.jsonl
// It knows sync_leads and get_leads; credentials and the base URL come from MKTO_* variables.
import { createInterface } from "node:readline";

const base = process.env.MKTO_BASE_URL.replace(/\/+$/, "").replace(/\/rest$/, "");
const rateSeconds = Number(process.env.MKTO_CONFORMANCE_RATE_SECONDS || 20);
const backoffCodes = new Set(["502", "604", "608", "611", "614", "713", "719"]);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

class MarketoError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

let token = null;
async function fetchToken() {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: process.env.MKTO_CLIENT_ID,
    client_secret: process.env.MKTO_CLIENT_SECRET,
  });
  const answer = await fetch(`${base}/identity/oauth/token`, { method: "POST", body: form });
  if (answer.status === 401) throw new MarketoError("401", "the identity endpoint refused the credentials");
  const body = await answer.json();
  if (body.expires_in < 5) { await sleep((body.expires_in + 1) * 1000); return fetchToken(); }
  token = body.access_token;
}

// One call: a fresh token on 601/602, the window waited out on 606, a short wait on 615, backoff on transient
// codes and gateway pages (4 tries), 702 as an empty result, anything else raised.
async function call(method, path, { query, json } = {}) {
  for (let attempt = 1; ; attempt++) {
    if (!token) await fetchToken();
    const url = `${base}${path}${query ? "?" + new URLSearchParams(query) : ""}`;
    const headers = { Authorization: `Bearer ${token}` };
    if (json) headers["Content-Type"] = "application/json";
    const answer = await fetch(url, { method, headers, body: json ? JSON.stringify(json) : undefined });
    const type = answer.headers.get("content-type") || "";
    let code, message;
    if (!type.includes("json")) {
      code = String(answer.status); message = `HTTP ${answer.status}`;
    } else {
      const body = await answer.json();
      if (body.success !== false) return body;
      ({ code, message } = body.errors[0]);
    }
    if (code === "702") return { result: [] };
    if (attempt >= 4) throw new MarketoError(code, message);
    if (code === "601" || code === "602") { token = null; continue; }
    if (code === "606") { await sleep(rateSeconds * 1000); continue; }
    if (code === "615") { await sleep(1000); continue; }
    if (backoffCodes.has(code) || code.startsWith("5")) { await sleep(200 * 2 ** attempt * Math.random()); continue; }
    throw new MarketoError(code, message);
  }
}

async function readRecords() {
  const records = [];
  for await (const line of createInterface({ input: process.stdin })) if (line.trim()) records.push(JSON.parse(line));
  return records;
}

const operations = {
  async sync_leads(options, records) {
    const body = await call("POST", "/rest/v1/leads.json", {
      json: { action: options.action || "createOrUpdate", lookupField: options.lookupField || "email", input: records },
    });
    return body.result.map((outcome, index) => ({ index, ...outcome }));
  },
  async get_leads(options, records) {
    const found = [];
    for (let i = 0; i < records.length; i += 100) {
      const values = records.slice(i, i + 100).map((r) => r.filterValue).join(",");
      const query = { filterType: options.filterType, filterValues: values };
      if (options.fields) query.fields = options.fields.join(",");
      found.push(...(await call("GET", "/rest/v1/leads.json", { query })).result);
    }
    return found;
  },
};

const [operation, optionsJson] = process.argv.slice(2);
try {
  if (!operations[operation]) throw new MarketoError(null, `unknown operation ${operation}`);
  const results = await operations[operation](JSON.parse(optionsJson || "{}"), await readRecords());
  for (const result of results) process.stdout.write(JSON.stringify(result) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { code: err.code ?? null, message: err.message } }) + "\n");
  process.exitCode = 1;
}
