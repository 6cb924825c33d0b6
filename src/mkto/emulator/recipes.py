"""How to make the emulator answer each catalogue code: the condition in words and the calls that set it up.

    from mkto.emulator.recipes import RECIPES
    RECIPES["606"].calls   # PUT /_mkto/limits {"rate_calls": 3, ...}, then 4 x Get Leads

Data only. Each recipe's calls run in order on a fresh emulator (`mkto serve`, default limits and settings),
and the answer to the last call carries the code: its HTTP status for the HTTP-level codes, else an
`errors[]` entry or a record's `reasons[]`. Codes Marketo answers for reasons outside the caller's reach
(500, 502, 604, 608, 611, 614, 713, 719) have a fault plan as their recipe. The error guides
(`docs/errors.md`, `docs/errors.zh-hans.md`) are generated from this table by `scripts/gen_guides.py`, and the
test suite runs every recipe against a real emulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

API = "api"  # the token of the instance's own API user (the credentials `mkto serve` prints)
NO_TOKEN = "none"  # no `Authorization` header
MADE_UP_TOKEN = "made-up"  # a bearer token the instance never issued


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP call of a recipe.

    `path` carries its query string. The body is `json` (sent as `application/json`), `form` (sent as
    `application/x-www-form-urlencoded`), `file` (a multipart upload: the file's text, in the part `file`), or
    `body` sent as `content_type`. `token` is `API`, `NO_TOKEN`, `MADE_UP_TOKEN` or the `client_id` of an API
    user an earlier call of the recipe created; calls under `/_mkto/` and `/identity/` carry none. `times`
    sends the call that many times, in turn, or all at once with `at_once`; `{n}` in the path or body counts
    them from 1.
    """

    method: str
    path: str
    json: Any = None
    form: Mapping[str, str] | None = None
    file: str | None = None
    body: str | None = None
    content_type: str | None = None
    token: str = API
    times: int = 1
    at_once: bool = False


@dataclass(frozen=True, slots=True)
class Recipe:
    """The condition under which Marketo answers `code` (English, Chinese) and the calls that produce it."""

    code: str
    condition_en: str
    condition_zh: str
    calls: tuple[Call, ...]

    @property
    def fault_plan(self) -> bool:
        """Whether a fault plan produces the code (it has no condition a caller can set up)."""
        codes = {self.code, f"http:{self.code}"}
        return any(call.path == "/_mkto/faults" and (call.json or {}).get("code") in codes for call in self.calls)


def _get(path: str, **kw: Any) -> Call:
    return Call("GET", path, **kw)


def _post(path: str, json: Any = None, **kw: Any) -> Call:
    return Call("POST", path, json, **kw)


def _limits(**values: int) -> Call:
    return Call("PUT", "/_mkto/limits", values)


def _settings(**values: bool) -> Call:
    return Call("PUT", "/_mkto/settings", values)


GET_LEADS = "/rest/v1/leads.json?filterType=email&filterValues=ada@example.com"
SYNC_LEADS = "/rest/v1/leads.json"


def _sync(*records: Mapping[str, Any], token: str = API, **options: Any) -> Call:
    return _post(SYNC_LEADS, {**options, "input": list(records)}, token=token)


ADA = {"email": "ada@example.com"}
FOLDER = '{"id": 1, "type": "Folder"}'  # Marketing Activities, seeded
EMAILS_FOLDER = '{"id": 3, "type": "Folder"}'  # an Email folder, seeded
PROGRAMS = "/rest/asset/v1/programs.json"
CLOCK = _post("/_mkto/clock", {"set": "2026-01-15T12:00:00Z"})
MERGE = "/rest/v1/leads/1/merge.json?leadIds=2&mergeInCRM=true"
CUSTOM_TYPE = "/rest/v1/activities/external/type"
A_CUSTOM_TYPE = {
    "apiName": "attendConference", "name": "Attend Conference", "triggerName": "Attends Conference",
    "filterName": "Attended Conference", "primaryAttribute": {"apiName": "conferenceName", "name": "Conference Name"},
}  # fmt: skip
LEAD_EXPORT = {"fields": ["email"], "filter": {"createdAt": {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-15T00:00:00Z"}}}  # fmt: skip


def _program(folder: str = FOLDER, times: int = 1) -> Call:
    return _post(
        PROGRAMS, form={"name": "P", "folder": folder, "type": "Default", "channel": "Email Blast"}, times=times
    )


def _static_list(name: str = "L") -> Call:
    return _post("/rest/asset/v1/staticLists.json", form={"name": name, "folder": FOLDER})


def _import(query: str = "", rows: str = "email\nada@example.com\n", **kw: Any) -> Call:
    return _post(f"/bulk/v1/leads.json?format=csv{query}", file=rows, **kw)


def _crm(*leads: Mapping[str, Any], **settings: bool) -> tuple[Call, ...]:
    """Native CRM sync on, the lead fields that model a lead's CRM record, and `leads` as leads 1, 2, ..."""
    fields = [
        {"name": "sfdcType", "displayName": "SFDC Type", "dataType": "string"},
        {"name": "sfdcIsDeleted", "displayName": "SFDC Is Deleted", "dataType": "boolean"},
        {"name": "pURL", "displayName": "Personalized URL", "dataType": "string"},
    ]
    return (
        _settings(native_crm_sync=True, **settings),
        _post("/rest/v1/leads/schema/fields.json", {"input": fields}),
        _sync(*leads, action="createDuplicate"),
    )


def _user(client_id: str, **rights: list[str]) -> Call:
    return _post("/_mkto/users", {"client_id": client_id, "client_secret": f"{client_id}-secret", **rights})


def _r(code: str, en: str, zh: str, *calls: Call) -> Recipe:
    return Recipe(code, en, zh, calls)


def _fault_recipe(code: str, en: str, zh: str) -> Recipe:
    return _r(code, en, zh, _post("/_mkto/faults", {"code": code, "times": 1}), _get(GET_LEADS))


_ALL: tuple[Recipe, ...] = (
    # -- HTTP level ------------------------------------------------------------------------------------
    _r(
        "401",
        "the identity endpoint refuses the client id or secret",
        "身份端点拒绝了客户端 ID 或密钥",
        _get("/identity/oauth/token?grant_type=client_credentials&client_id=nobody&client_secret=wrong"),
    ),
    _r(
        "413",
        "a body over 1 MB (10 MB for a bulk import file); `max_body_bytes` lowers the cap",
        "请求体超过 1 MB（批量导入文件为 10 MB）；`max_body_bytes` 可调低上限",
        _limits(max_body_bytes=100),
        _sync(*({"email": f"lead{i}@example.com"} for i in range(1, 6))),
    ),
    _r(
        "414",
        "a URI over 8 KB; `max_uri_bytes` lowers the cap",
        "URI 超过 8 KB；`max_uri_bytes` 可调低上限",
        _limits(max_uri_bytes=64),
        _get(GET_LEADS + "&fields=email,firstName,lastName,company"),
    ),
    _fault_recipe("500", "an unexpected condition on Marketo's side", "Marketo 端的意外情况"),
    _r(
        "502",
        "the gateway's upstream failed, often a timeout",
        "网关的上游出错，常见于超时",
        _post("/_mkto/faults", {"code": "http:502", "times": 1}),
        _get(GET_LEADS),
    ),
    # -- response level: the gates ---------------------------------------------------------------------
    _r(
        "601",
        "no access token, or one the instance never issued",
        "没有访问令牌，或令牌并非本实例签发",
        _get(GET_LEADS, token=MADE_UP_TOKEN),
    ),
    _r(
        "602",
        "the token has expired (after `token_ttl`, 3600 s by default, on the virtual clock)",
        "令牌已过期（虚拟时钟上超过 `token_ttl`，默认 3600 秒）",
        _get(GET_LEADS),
        _post("/_mkto/clock", {"advance": 3601}),
        _get(GET_LEADS),
    ),
    _r(
        "603",
        "the API user's role lacks the endpoint's permission, or the caller's IP is not on its allowlist",
        "API 用户的角色缺少该端点的权限，或调用方 IP 不在允许列表中",
        _user("reader", permissions=["Read-Only Lead"]),
        _sync(ADA, token="reader"),
    ),
    _fault_recipe("604", "the request ran too long", "请求运行过久"),
    _r(
        "605",
        "the endpoint does not take the method",
        "该端点不接受此 HTTP 方法",
        Call("PUT", SYNC_LEADS, {"input": [ADA]}),
    ),
    _r(
        "606",
        "more calls than the rate window allows (100 in 20 s by default)",
        "调用次数超过速率窗口允许的上限（默认每 20 秒 100 次）",
        _limits(rate_calls=3, rate_seconds=20),
        _get(GET_LEADS, times=4),
    ),
    _r(
        "607",
        "the daily quota is spent (it resets at midnight US Central)",
        "每日配额已用尽（美国中部时间午夜重置）",
        _limits(daily_quota=3),
        _get(GET_LEADS, times=4),
    ),
    _fault_recipe("608", "the API is temporarily unavailable", "API 暂时不可用"),
    _r(
        "609",
        "the body is not valid JSON",
        "请求体不是合法的 JSON",
        _post(SYNC_LEADS, body='{"input": [', content_type="application/json"),
    ),
    _r("610", "the URI matches no resource", "URI 不对应任何资源", _get("/rest/v1/nothing.json")),
    _fault_recipe("611", "an unhandled system error", "未处理的系统错误"),
    _r(
        "612",
        "a content type the endpoint does not take",
        "端点不接受该内容类型",
        _post(SYNC_LEADS, body="email=ada@example.com", content_type="text/plain"),
    ),
    _r(
        "613",
        "a multipart body that cannot be read (no boundary, or a broken part)",
        "无法读取的 multipart 请求体（缺少 boundary 或分段损坏）",
        _post("/bulk/v1/leads.json?format=csv", body="email\n", content_type="multipart/form-data"),
    ),
    _fault_recipe("614", "the subscription is not valid", "订阅无效"),
    _r(
        "615",
        "more calls in flight than the concurrency limit (10 by default)",
        "进行中的调用数超过并发上限（默认 10 个）",
        _limits(concurrency=2),
        _post("/_mkto/faults", {"latency_ms": 3000, "times": 2}),
        _get(GET_LEADS, times=3, at_once=True),
    ),
    _r(
        "616",
        "the subscription type lacks the custom object metadata API",
        "订阅类型不含自定义对象元数据 API",
        _settings(custom_object_metadata_api=False),
        _get("/rest/v1/customobjects/schema.json"),
    ),
    # -- response level: the handlers' 7xx ------------------------------------------------------------
    _r(
        "701",
        "a required Asset API field is blank (Create Program without `type`)",
        "Asset API 的必填字段为空（创建项目时缺少 `type`）",
        _post(PROGRAMS, form={"name": "P", "folder": FOLDER, "channel": "Email Blast"}),
    ),
    _r(
        "702",
        "an Asset API write names an asset nothing has (a read of one answers success with a warning)",
        "Asset API 的写操作指向不存在的资产（读取则返回成功并附警告）",
        _post("/rest/asset/v1/staticList/4242.json", form={"name": "X"}),
    ),
    _r(
        "703",
        "the feature is not enabled for the subscription (Named Accounts without ABM)",
        "订阅未启用该功能（未启用 ABM 时调用命名客户接口）",
        _settings(abm_enabled=False),
        _get("/rest/v1/namedaccounts/describe.json"),
    ),
    _r(
        "704",
        "a malformed date",
        "日期格式不正确",
        _get("/rest/v1/leads/1/smartCampaignMembership.json?earliestUpdatedAt=yesterday"),
    ),
    _r(
        "709",
        "an asset business rule is broken (a second program with a taken name)",
        "违反资产业务规则（第二个项目使用了已占用的名称）",
        _program(times=2),
    ),
    _r("710", "the parent folder does not exist", "父文件夹不存在", _program(folder='{"id": 99999, "type": "Folder"}')),
    _r(
        "711",
        "the folder is the wrong type for the asset (a program in an Email folder)",
        "文件夹类型与资产不符（在电子邮件文件夹中创建项目）",
        _program(folder=EMAILS_FOLDER),
    ),
    _r(
        "712",
        "Merge Leads in the CRM touches a Salesforce person account",
        "在 CRM 中合并线索时涉及 Salesforce 个人客户",
        *_crm({"email": "p@example.com", "sfdcType": "Person Account"}, {"email": "q@example.com", "sfdcType": "Lead"}),
        _post(MERGE),
    ),
    _fault_recipe("713", "a transient error", "暂时性错误"),
    _r(
        "714",
        "the CRM has no default record type for a merge in the CRM",
        "在 CRM 中合并时，CRM 没有默认记录类型",
        *_crm({"email": "a@example.com"}, {"email": "b@example.com"}, crm_default_record_type=False),
        _post(MERGE),
    ),
    _r(
        "718",
        "Sync Opportunities names a sales person no Sync Sales Persons created",
        "同步商机时引用了不存在的销售人员",
        _post(
            "/rest/v1/opportunities.json",
            {"input": [{"externalOpportunityId": "O1", "name": "Deal", "externalSalesPersonId": "sp-9"}]},
        ),
    ),
    _fault_recipe("719", "a lock wait timed out", "锁等待超时"),
    # -- record level (some also at response level) ---------------------------------------------------
    _r(
        "1001",
        "a value of the wrong type (an unknown Sync Leads action)",
        "值的类型不正确（未知的同步线索 action）",
        _sync(ADA, action="upsert"),
    ),
    _r(
        "1002",
        "a required value is missing (updateOnly without the lookup field)",
        "缺少必需的值（updateOnly 记录缺少查找字段）",
        _sync({"firstName": "Ada"}, action="updateOnly"),
    ),
    _r(
        "1003",
        "data not valid for the call (createOnly with an `id`)",
        "数据对该调用无效（createOnly 时带了 `id`）",
        _sync({"id": 5, "email": "ada@example.com"}, action="createOnly"),
    ),
    _r(
        "1004",
        "no such lead (updateOnly of an unknown email)",
        "线索不存在（updateOnly 一个未知的邮箱）",
        _sync(ADA, action="updateOnly"),
    ),
    _r(
        "1005",
        "createOnly finds the lead",
        "createOnly 时线索已存在",
        Call("POST", SYNC_LEADS, {"action": "createOnly", "input": [ADA]}, times=2),
    ),
    _r("1006", "an unknown field", "字段不存在", _sync({**ADA, "shoeSize": "42"})),
    _r(
        "1007",
        "several leads match the lookup",
        "多个线索与查找条件匹配",
        _sync(ADA, ADA, action="createDuplicate"),
        _sync({**ADA, "firstName": "Ada"}),
    ),
    _r(
        "1008",
        "the API user cannot reach the partition",
        "API 用户无权访问该分区",
        _user("default-only", partitions=["Default"]),
        _sync(ADA, token="default-only", partitionName="Europe"),
    ),
    _r(
        "1009",
        "the API user reaches several partitions and a new lead names none",
        "API 用户可访问多个分区，而新线索未指定分区",
        _user("two-partitions", partitions=["Default", "Europe"]),
        _sync(ADA, token="two-partitions"),
    ),
    _r(
        "1010",
        "the lead exists in another partition",
        "线索已存在于另一个分区",
        _user("two-partitions", partitions=["Default", "Europe"]),
        _sync(ADA),
        _sync({**ADA, "firstName": "Ada"}, token="two-partitions", partitionName="Europe"),
    ),
    _r(
        "1011",
        "a field that cannot be a lookup field or a filter",
        "该字段不能用作查找字段或筛选条件",
        _post(SYNC_LEADS, {"lookupField": "createdAt", "input": [ADA]}),
    ),
    _r(
        "1012",
        "a malformed Munchkin cookie",
        "Munchkin Cookie 值格式不正确",
        _get("/rest/v1/leads.json?filterType=cookies&filterValues=not-a-cookie"),
    ),
    _r("1013", "the object named by id does not exist", "按 ID 指定的对象不存在", _get("/rest/v1/lists/424242.json")),
    _r(
        "1014",
        "the object could not be created (a static list name over 255 characters)",
        "无法创建对象（静态列表名称超过 255 个字符）",
        _static_list("x" * 256),
    ),
    _r(
        "1015",
        "the lead is not in the list",
        "线索不在列表中",
        _sync(ADA),
        _static_list(),
        Call("DELETE", "/rest/v1/lists/1/leads.json?id=1"),
    ),
    _r(
        "1016",
        "ten imports are already queued or running",
        "已有十个导入在排队或运行",
        _import(rows="email\nlead{n}@example.com\n", times=11),
    ),
    _r(
        "1017",
        "the record already exists (a lead field of an existing name)",
        "记录已存在（创建已有名称的线索字段）",
        _post(
            "/rest/v1/leads/schema/fields.json",
            {"input": [{"name": "email", "displayName": "Email 2", "dataType": "email"}]},
        ),
    ),
    _r(
        "1018",
        "the CRM owns the object (native CRM sync on)",
        "对象由 CRM 管理（已启用原生 CRM 同步）",
        _settings(native_crm_sync=True),
        _post("/rest/v1/companies.json", {"input": [{"externalCompanyId": "C1", "company": "Acme"}]}),
    ),
    _r(
        "1019", "an import into that list is running", "正在向该列表导入", _static_list(), _import("&listId=1", times=2)
    ),
    _r(
        "1020",
        "Schedule Campaign's clone allotment (20 a day) is spent",
        "计划营销活动的克隆额度（每天 20 次）已用尽",
        _post("/rest/v1/campaigns/1005/schedule.json", {"input": {"cloneToProgramName": "Clone {n}"}}, times=21),
    ),
    _r(
        "1021",
        "Sync Leads changes company fields of a lead linked to a company",
        "同步线索时修改了已关联公司的线索的公司字段",
        _sync({**ADA, "externalCompanyId": "ACME-1", "company": "Acme"}),
    ),
    _r(
        "1022",
        "the object is in use (a static list an import is filling)",
        "对象正在使用中（删除正被导入的静态列表）",
        _static_list(),
        _import("&listId=1"),
        _post("/rest/asset/v1/staticList/1/delete.json"),
    ),
    _r(
        "1025",
        "the status is not in the program's channel",
        "该状态不属于项目渠道",
        _sync(ADA),
        _post(PROGRAMS, form={"name": "Webinar", "folder": FOLDER, "type": "Event", "channel": "Webinar"}),
        _post("/rest/v1/programs/{id}/members/status.json", {"statusName": "Influenced", "input": [{"leadId": 1}]}),
    ),
    _r(
        "1026",
        "custom objects are not enabled",
        "未启用自定义对象",
        _settings(custom_objects_enabled=False),
        _get("/rest/v1/customobjects.json"),
    ),
    _r(
        "1027",
        "ten custom activity types exist",
        "已有十个自定义活动类型",
        _post(f"{CUSTOM_TYPE}.json", {**A_CUSTOM_TYPE, "apiName": "type{n}"}, times=11),
    ),
    _r(
        "1028",
        "twenty attributes on a custom activity type",
        "自定义活动类型已有二十个属性",
        _post(f"{CUSTOM_TYPE}.json", A_CUSTOM_TYPE),
        _post(
            f"{CUSTOM_TYPE}/attendConference/attributes/create.json",
            {"attributes": [{"apiName": f"a{i}", "name": f"A{i}", "dataType": "string"} for i in range(21)]},
        ),
    ),
    _r(
        "1029",
        "ten extract jobs queued, the day's export bytes spent, or (as here) the job already queued",
        "已有十个导出作业排队、当日导出字节已用尽，或（如下例）作业已在队列中",
        CLOCK,
        _post("/bulk/v1/leads/export/create.json", LEAD_EXPORT),
        _post("/bulk/v1/leads/export/{exportId}/enqueue.json", times=2),
    ),
    _r(
        "1035",
        "the subscription lacks the bulk extract filter (`updatedAt`, `smartListId`, `smartListName` by default)",
        "订阅不支持该批量导出筛选条件（默认为 `updatedAt`、`smartListId`、`smartListName`）",
        _post("/bulk/v1/leads/export/create.json", {"fields": ["email"], "filter": {"smartListId": 1}}),
    ),
    _r(
        "1036",
        "one input holds the same key twice",
        "同一输入中同一键出现两次",
        _post("/rest/v1/companies.json", {"input": [{"externalCompanyId": "C1"}, {"externalCompanyId": "C1"}]}),
    ),
    _r(
        "1037",
        "the member is already at or past the status, or not in the program",
        "成员已处于或超过该状态，或不在项目中",
        _sync(ADA),
        _post(PROGRAMS, form={"name": "Webinar", "folder": FOLDER, "type": "Event", "channel": "Webinar"}),
        _post("/rest/v1/programs/{id}/members/delete.json", {"input": [{"leadId": 1}]}),
    ),
    _r(
        "1042",
        "`runAt` is more than two years ahead",
        "`runAt` 超过两年之后",
        CLOCK,
        _post("/rest/v1/campaigns/1004/schedule.json", {"input": {"runAt": "2028-01-17T12:00:00+0000"}}),
    ),
    _r(
        "1048",
        "there is no draft to discard",
        "没有可丢弃的草稿",
        _post(f"{CUSTOM_TYPE}.json", A_CUSTOM_TYPE),
        _post(f"{CUSTOM_TYPE}/attendConference/discardDraft.json"),
    ),
    _r(
        "1049",
        "the attributes array is over 65,536 bytes",
        "属性数组超过 65,536 字节",
        _sync(ADA),
        _post(f"{CUSTOM_TYPE}.json", A_CUSTOM_TYPE),
        _post(
            f"{CUSTOM_TYPE}/attendConference/attributes/create.json",
            {"attributes": [{"apiName": "a0", "name": "A0", "dataType": "string"}]},
        ),
        _post(f"{CUSTOM_TYPE}/attendConference/approve.json"),
        _post(
            "/rest/v1/activities/external.json",
            {
                "input": [
                    {
                        "leadId": 1,
                        "activityDate": "2026-01-15T12:00:00Z",
                        "activityTypeId": "{id}",
                        "primaryAttributeValue": "Summit",
                        "attributes": [{"apiName": "a0", "value": "x" * 70_000}],
                    }
                ]
            },
        ),
    ),
    _r(
        "1076",
        "the merged record duplicates another CRM record (a third lead with the winner's email in the CRM)",
        "合并后的记录与另一条 CRM 记录重复（第三个线索使用胜出者的邮箱且在 CRM 中）",
        *_crm(
            {"email": "dup@example.com", "sfdcType": "Lead"},
            {"email": "x@example.com", "sfdcType": "Lead"},
            {"email": "dup@example.com", "sfdcType": "Contact"},
        ),
        _post(MERGE),
    ),
    _r(
        "1077",
        "a merged field exceeds its Salesforce length (a 41-character `firstName`)",
        "合并的字段超过 Salesforce 长度（41 个字符的 `firstName`）",
        *_crm(
            {"email": "w@example.com", "sfdcType": "Lead"},
            {"email": "l@example.com", "firstName": "F" * 41, "sfdcType": "Lead"},
        ),
        _post(MERGE),
    ),
    _r(
        "1078",
        "a record was deleted in the CRM or is not a lead or contact",
        "记录已在 CRM 中删除，或不是线索或联系人",
        *_crm(
            {"email": "w@example.com", "sfdcType": "Contact"},
            {"email": "l@example.com", "sfdcType": "Lead", "sfdcIsDeleted": True},
        ),
        _post(MERGE),
    ),
    _r(
        "1079",
        "the leads carry the same personalized URL",
        "线索带有相同的个性化 URL",
        *_crm({"email": "w@example.com", "pURL": "JaneDoe"}, {"email": "l@example.com", "pURL": "JaneDoe"}),
        _post(MERGE),
    ),
    _r(
        "1080",
        "more than 25 ids in `leadIds`",
        "`leadIds` 中的 ID 超过 25 个",
        _post("/rest/v1/leads/1/merge.json?leadIds=" + ",".join(str(i) for i in range(2, 28))),
    ),
)

RECIPES: Mapping[str, Recipe] = {recipe.code: recipe for recipe in _ALL}
"""Every recipe by code, in the catalogue's order."""
