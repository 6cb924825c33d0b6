"""`mkto explain`: classify a saved Marketo answer (a JSON body, or a raw HTTP response with its status line)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from mkto import errors
from mkto.errors import Disposition, Level

_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})")
_HTML_STATUS = re.compile(r"<(?:title|h1)>\s*(\d{3})\b", re.IGNORECASE)


class UnreadableInput(ValueError):
    """The input is neither a Marketo body nor an HTTP response."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One classified error: for the whole answer (index None) or for one record."""

    level: Level
    code: str
    message: str
    disposition: Disposition
    index: int | None = None
    status: str | None = None


@dataclass(slots=True)
class Explanation:
    http_status: int
    request_id: str | None
    success: bool
    findings: list[Finding] = field(default_factory=list)
    records: list[errors.RecordOutcome] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """A success with no skipped record."""
        return self.success and not self.findings


def split_http(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of `raw`; a bare body is taken as HTTP 200 JSON (or the status its HTML page names)."""
    text_head = raw[:64].decode("latin-1", "replace").lstrip()
    match = _STATUS_LINE.match(text_head)
    if match:
        normalized = raw.lstrip().replace(b"\r\n", b"\n")
        head, _, body = normalized.partition(b"\n\n")
        lines = head.decode("latin-1").split("\n")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        return int(match.group(1)), headers, body
    stripped = raw.strip()
    if not stripped:
        raise UnreadableInput("the input is empty")
    if stripped.startswith((b"{", b"[")):
        return 200, {"content-type": "application/json"}, stripped
    if stripped.startswith(b"<"):
        html = _HTML_STATUS.search(stripped.decode("utf-8", "replace"))
        if html:
            return int(html.group(1)), {"content-type": "text/html"}, stripped
    raise UnreadableInput("not a JSON body, an HTML error page, or an HTTP response with a status line")


def explain(raw: bytes) -> Explanation:
    status, headers, body = split_http(raw)
    if "content-type" not in headers and body.strip().startswith(b"{"):
        headers["content-type"] = "application/json"
    if headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise UnreadableInput(f"the body is not valid JSON: {exc}") from exc
        if isinstance(data, dict) and "error" in data and "success" not in data and status == 200:
            status = 401  # a saved identity refusal without its status line
    try:
        response = errors.parse_response(status, headers, body)
    except errors.MarketoError as err:
        if err.code is None and err.http_status == 200:
            raise UnreadableInput(err.message) from err
        return _from_error(status, err)
    return _from_success(status, response)


def _from_error(status: int, err: errors.MarketoError) -> Explanation:
    found = Explanation(status, err.request_id, success=False)
    extra = err.errors[1:] if err.errors else ()
    found.findings.append(Finding(err.level, err.code or f"http:{status}", err.message, err.disposition))
    for item in extra:
        code, message = str(item.get("code", "")), str(item.get("message", ""))
        spec = errors.lookup(code)
        disposition = spec.disposition_for(Level.RESPONSE, message) if spec else Disposition.CALLER_ERROR
        found.findings.append(Finding(Level.RESPONSE, code, message, disposition))
    return found


def _from_success(status: int, response: errors.MarketoResponse) -> Explanation:
    found = Explanation(status, response.request_id, success=True, records=response.records)
    if response.empty_search:
        first = response.warnings[0] if response.warnings else {}
        found.findings.append(
            Finding(Level.RESPONSE, str(first.get("code", "")), str(first.get("message", "")), Disposition.EMPTY_RESULT)
        )
        found.success = False  # an empty search is not an error, but it is not a clean success either
    for outcome in response.records:
        for why in outcome.reasons or ():
            found.findings.append(
                Finding(Level.RECORD, why.code, why.message, Disposition.RECORD_SKIPPED, outcome.index, outcome.status)
            )
        if outcome.skipped and not outcome.reasons:
            found.findings.append(
                Finding(Level.RECORD, "", "skipped without a reason", Disposition.RECORD_SKIPPED, outcome.index, outcome.status)
            )
    return found
