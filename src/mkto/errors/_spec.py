"""What one error code is: where it shows up (`Level`), what a caller does about it (`Disposition` and its
advice), its named message variants, and the `ErrorSpec` record that holds it all. The entries themselves
are in `_entries.py`; `_catalogue.py` indexes them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


class Level(enum.StrEnum):
    """Where an error shows up in a Marketo answer."""

    HTTP = "http"  # an HTTP status other than 200 (413, 414, identity 401, gateway 5xx)
    RESPONSE = "response"  # HTTP 200, success=false, code in errors[]
    RECORD = "record"  # HTTP 200, success=true, code in result[i].reasons[]


class Disposition(enum.StrEnum):
    """What a caller must do about an error."""

    REAUTHENTICATE = "reauthenticate"
    WAIT_RATE_WINDOW = "wait_rate_window"
    WAIT_CONCURRENCY = "wait_concurrency"
    BACKOFF = "backoff"
    QUOTA_EXHAUSTED = "quota_exhausted"
    QUEUE_FULL = "queue_full"
    SPLIT_PAYLOAD = "split_payload"
    METHOD_OVERRIDE = "method_override"
    EMPTY_RESULT = "empty_result"
    BAD_CREDENTIALS = "bad_credentials"
    CALLER_ERROR = "caller_error"
    RECORD_SKIPPED = "record_skipped"


ADVICE_EN: Mapping[Disposition, str] = {
    Disposition.REAUTHENTICATE: "Fetch a new access token (ignore any cached expiry) and send the call again.",
    Disposition.WAIT_RATE_WINDOW: "Wait until the 20-second window has room again, then send the call again.",
    Disposition.WAIT_CONCURRENCY: "Wait for one of the calls in flight to finish, then send the call again.",
    Disposition.BACKOFF: "Transient: retry with exponential backoff and jitter, bounded by attempts and a deadline.",
    Disposition.QUOTA_EXHAUSTED: "Stop: the quota is spent until it resets at midnight US Central time.",
    Disposition.QUEUE_FULL: "The job queue is full: wait for running jobs to finish, then enqueue again.",
    Disposition.SPLIT_PAYLOAD: "The body is too large: split the batch and send the halves.",
    Disposition.METHOD_OVERRIDE: "The URL is too long: send it as POST with _method=GET and the query as a form body.",
    Disposition.EMPTY_RESULT: "Nothing matched the search: treat it as an empty result, not a failure.",
    Disposition.BAD_CREDENTIALS: "The client id or secret is wrong: fix the configuration; never retry.",
    Disposition.CALLER_ERROR: "The request itself is wrong: fix it; sending it again will fail the same way.",
    Disposition.RECORD_SKIPPED: "The call succeeded but this record was skipped: handle the record, not the call.",
}

ADVICE_ZH: Mapping[Disposition, str] = {
    Disposition.REAUTHENTICATE: "重新获取访问令牌（忽略缓存的过期时间），然后重发请求。",
    Disposition.WAIT_RATE_WINDOW: "等待 20 秒窗口腾出名额后重发请求。",
    Disposition.WAIT_CONCURRENCY: "等待某个进行中的请求结束后重发请求。",
    Disposition.BACKOFF: "暂时性错误：按带抖动的指数退避重试，限定次数与总时限。",
    Disposition.QUOTA_EXHAUSTED: "停止：配额已用尽，美国中部时间午夜重置。",
    Disposition.QUEUE_FULL: "作业队列已满：等待运行中的作业结束后再入队。",
    Disposition.SPLIT_PAYLOAD: "请求体过大：拆分批次后分别发送。",
    Disposition.METHOD_OVERRIDE: "URL 过长：改用 POST 并带 _method=GET，查询串放入表单正文。",
    Disposition.EMPTY_RESULT: "没有匹配的记录：按空结果处理，而非失败。",
    Disposition.BAD_CREDENTIALS: "客户端 ID 或密钥错误：修正配置，切勿重试。",
    Disposition.CALLER_ERROR: "请求本身有误：修正后再发，原样重发只会再次失败。",
    Disposition.RECORD_SKIPPED: "调用成功但该记录被跳过：按记录处理，而非整个调用。",
}


@dataclass(frozen=True, slots=True)
class Variant:
    """A named runtime message of a code whose text differs by situation (1003, 1013, 1029, ...)."""

    name: str
    message: str
    disposition: Disposition | None = None  # None: the code's own disposition
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _message_pattern(self.message))


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """Everything known about one Marketo error code."""

    code: str
    levels: tuple[Level, ...]
    message: str  # exact English runtime text; %s where Marketo fills a value in
    summary_en: str  # the English documentation's short description
    note_en: str
    summary_zh: str
    note_zh: str
    disposition: Disposition  # at the first level in `levels`; record-level reasons are always RECORD_SKIPPED
    counts_against_limits: bool = True
    http_status: int = 200
    variants: tuple[Variant, ...] = ()
    zh_from_seed: bool = True
    # The call may have run although its answer says it failed (a lost response); 6xx means "not executed".
    maybe_executed: bool = False
    # Worth only a few tries: if it does not clear quickly it will not clear (an unhandled error).
    few_tries: bool = False

    def format(self, *args: object, variant: str | None = None) -> str:
        """The runtime message with its placeholders filled: `spec.format(100, 20)`."""
        template = self.variant(variant).message if variant else self.message
        return template % args if args else template

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(f"{self.code} has no message variant {name!r}")

    def disposition_for(self, level: Level, message: str = "") -> Disposition:
        """What to do when this code arrives at `level` with `message`."""
        if level is Level.RECORD:
            return Disposition.RECORD_SKIPPED
        for v in self.variants:
            if v.disposition is not None and v.pattern.fullmatch(message.strip()):
                return v.disposition
        if self.disposition is Disposition.RECORD_SKIPPED:
            # A record-only code answered for the whole call: the request was wrong.
            return Disposition.CALLER_ERROR
        return self.disposition


def _message_pattern(message: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in message.split("%s")]
    return re.compile(".*?".join(parts), re.DOTALL)
