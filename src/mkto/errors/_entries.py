"""The catalogue's entries: one `ErrorSpec` per code Marketo documents, in the order the CLI prints them.

Chinese summaries and notes are the seed document's own text (`error-codes.zh-hans.md`); where the seed
has no row (401, 500, 1079, 1080) the Chinese text is ours and `zh_from_seed` is False.
"""

from __future__ import annotations

from ._spec import Disposition, ErrorSpec, Level, Variant

H, R, C = Level.HTTP, Level.RESPONSE, Level.RECORD
D = Disposition

SPECS: tuple[ErrorSpec, ...] = (
    # --- HTTP level -------------------------------------------------------------------------------
    ErrorSpec(
        "401", (H,), "Unauthorized", "Unauthorized (identity endpoint)",
        "The identity endpoint refused the client id or secret. The body is OAuth-shaped "
        "({error, error_description}), not a Marketo envelope. Retrying cannot help.",
        "未授权", "身份端点拒绝了客户端 ID 或客户端密钥，通常是 ID 或密钥无效。",
        D.BAD_CREDENTIALS, counts_against_limits=False, http_status=401, zh_from_seed=False,
        variants=(
            Variant("unknown_client", "No client with requested id: %s"),
            Variant("bad_secret", "Bad client credentials"),
        ),
    ),
    ErrorSpec(
        "413", (H,), "Request Entity Too Large", "Request Entity Too Large",
        "The body was over 1 MB (10 MB for a bulk import file). The gateway rejects it before the API "
        "sees it, so nothing ran: split the batch and resend.",
        "请求实体太大", "有效负载超出1MB限制。",
        D.SPLIT_PAYLOAD, counts_against_limits=False, http_status=413,
    ),
    ErrorSpec(
        "414", (H,), "Request-URI Too Long", "Request-URI Too Long",
        "The URI was over 8 KB. Nothing ran: resend as POST with _method=GET in the URL and the rest of "
        "the query string as a form body.",
        "请求URI过长",
        "请求的URI超过了8k。 该请求应作为在URL中带有param '_method=GET'的POST进行重试，其余查询字符串应作为请求正文重试。",
        D.METHOD_OVERRIDE, counts_against_limits=False, http_status=414,
    ),
    ErrorSpec(
        "500", (H, R), "Internal Server error", "Internal Server error",
        "An unexpected condition on Marketo's side, sometimes a malformed URL. Whether the call ran is "
        "unknown: retry idempotent calls with backoff.",
        "内部服务器错误", "Marketo 端出现意外情况，有时源于格式不正确的 URL。是否已执行不确定：幂等调用可退避重试。",
        D.BACKOFF, http_status=500, zh_from_seed=False, maybe_executed=True,
    ),
    ErrorSpec(
        "502", (H, R), "Bad Gateway", "Bad Gateway",
        "The remote server answered with an error, often a timeout. The call may or may not have run: "
        "retry idempotent calls with exponential backoff.",
        "错误网关", "远程服务器返回了一个错误。 可能是超时。 应重试该请求，并返回指数回退。",
        D.BACKOFF, http_status=502, maybe_executed=True,
    ),
    # --- response level: 6xx, the request was not executed ---------------------------------------
    ErrorSpec(
        "601", (R,), "Access token invalid", "Access token invalid",
        "The call carried an access token that is not valid (or none). Get a new token and retry.",
        "访问令牌无效", "请求中包含访问令牌参数，但值不是有效的访问令牌。",
        D.REAUTHENTICATE, counts_against_limits=False,
    ),
    ErrorSpec(
        "602", (R,), "Access token expired", "Access token expired",
        "The token was valid once and has expired. Get a new token, ignoring any cached expiry, and retry.",
        "访问令牌已过期", "调用中包含的访问令牌因过期而不再有效。",
        D.REAUTHENTICATE, counts_against_limits=False,
    ),
    ErrorSpec(
        "603", (R,), "Access denied", "Access denied",
        "Authentication worked but the API user's role lacks the permission for this endpoint, or the "
        "caller's IP is not on the allowlist. Fix the role or allowlist in Marketo admin.",
        "访问被拒绝",
        "身份验证成功，但用户没有足够的权限调用此API。 [其他权限](custom-services.md)可能需要分配给用户允许列表，或可能启用角色以访问基于IP的API。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "604", (R,), "Request time-out", "Request time-out",
        "The request ran too long (for example database contention) or past the timeout in its header. "
        "Retry with backoff.",
        "请求超时", "请求运行时间过长（例如，遇到数据库争用），或超过了调用标头中指定的超时期限。",
        D.BACKOFF, counts_against_limits=False,
    ),
    ErrorSpec(
        "605", (R,), "Request method '%s' not supported", "HTTP Method not supported",
        "The endpoint does not take this HTTP method; Sync Leads, for one, must be a POST.",
        "不支持HTTP方法", "同步潜在客户端点不支持GET。 必须使用POST。",
        D.CALLER_ERROR, counts_against_limits=False,
        variants=(Variant("documented", "HTTP Method not supported"),),
    ),
    ErrorSpec(
        "606", (R,), "Max rate limit '%s' exceeded with in '%s' secs", "Max rate limit exceeded",
        "More than 100 calls in the trailing 20 seconds, counted across every integration on the "
        "instance. Wait until the window frees a slot, then retry.",
        "最大速率限制“%s”；超出了“%s”秒中的限制", "过去20秒内的呼叫数大于100",
        D.WAIT_RATE_WINDOW, counts_against_limits=False,
    ),
    ErrorSpec(
        "607", (R,), "Daily quota reached", "Daily quota reached",
        "The instance has used its daily call quota (50,000 by default). It resets at 12:00 AM US "
        "Central; retrying before then only fails again.",
        "已达到每日配额",
        "今天的呼叫数超过了订阅的配额（CST每天凌晨12:00重置）。>可以在“管理员” — >“Web服务”菜单中找到您的配额。 您可以通过帐户管理员增加配额。",
        D.QUOTA_EXHAUSTED, counts_against_limits=False,
    ),
    ErrorSpec(
        "608", (R,), "API Temporarily Unavailable", "API Temporarily Unavailable",
        "The API is briefly unavailable. Retry with backoff.",
        "API暂时不可用", "",
        D.BACKOFF, counts_against_limits=False,
    ),
    ErrorSpec(
        "609", (R,), "Invalid JSON", "Invalid JSON",
        "The request body is not valid JSON.",
        "JSON无效", "请求中包含的主体不是有效的JSON。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "610", (R,), "Requested resource not found", "Requested resource not found",
        "The URI matches no REST resource, usually a typo or a malformed path. It is refused before "
        "authentication, so it does not count against the limits.",
        "未找到请求的资源", "调用中的URI与REST API资源类型不匹配。 这通常是由于URI拼写错误或格式错误所致",
        D.CALLER_ERROR, counts_against_limits=False,
    ),
    ErrorSpec(
        "611", (R,), "System error", "System error",
        "An unhandled exception inside Marketo. Retry a few times with backoff; if it persists, log the "
        "request and response and contact support.",
        "系统错误", "所有未处理的异常",
        D.BACKOFF, counts_against_limits=False, few_tries=True,
    ),
    ErrorSpec(
        "612", (R,), "Invalid Content Type", "Invalid Content Type",
        "The body's content type is not one the endpoint accepts; JSON endpoints want "
        "Content-Type: application/json.",
        "内容类型无效",
        "如果看到此错误，请向请求添加一个指定JSON格式的内容类型标头。 例如，尝试使用“content type： application/json”。 有关更多详细信息，请参阅此StackOverflow问题。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "613", (R,), "Invalid Multipart Request", "Invalid Multipart Request",
        "The multipart body of a POST (a bulk import upload) is malformed.",
        "无效的多部分请求", "POST的多部分内容格式不正确",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "614", (R,), "Invalid Subscription", "Invalid Subscription",
        "The target subscription could not be found or reached; usually temporary. Retry with backoff.",
        "订阅无效", "找不到目标订阅或目标订阅无法访问。 这通常表示暂时无法访问。",
        D.BACKOFF,
    ),
    ErrorSpec(
        "615", (R,), "Concurrent access limit '%s' reached", "Concurrent access limit reached",
        "Ten calls were already in flight for the instance. Wait for one to finish, then retry.",
        "已达到并发访问限制", "一次最多由任何订阅10处理请求。 如果已经有10个正在进行的请求，则会返回此项。",
        D.WAIT_CONCURRENCY, counts_against_limits=False,
    ),
    ErrorSpec(
        "616", (R,), "Invalid subscription type", "Invalid subscription type",
        "The custom object metadata API needs a subscription type this instance does not have.",
        "订阅类型无效", "访问自定义对象元数据API需要适当的Marketo订阅类型。 有关详细信息，请咨询您的CSM。",
        D.CALLER_ERROR,
    ),
    # --- response level: 7xx, the request was wrong or found nothing ----------------------------
    ErrorSpec(
        "701", (R,), "%s cannot be blank", "%s cannot be blank",
        "A required field in the request is empty.",
        "%s不能为空", "请求中报告的字段不能为空",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "702", (R,), "No data found for a given search scenario", "No data found for a given search scenario",
        "Nothing matched the search. Many searches say so with success=true and a warning instead.",
        "未找到给定搜索方案的数据",
        "没有与给定搜索参数匹配的记录。 注意：许多失败的搜索操作返回“success = true”，并且没有错误，同时设置了警告信息字符串。",
        D.EMPTY_RESULT,
        # The Asset API says "not found" as success=true with this warning string and no result.
        variants=(Variant("no_assets", "No assets found for the given search criteria."),),
    ),
    ErrorSpec(
        "703", (R,), "The feature is not enabled for the subscription",
        "The feature is not enabled for the subscription",
        "A beta feature the call needs is not enabled on this subscription.",
        "订阅未启用该功能", "用户订阅中未启用的测试版功能",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "704", (R,), "Invalid date format", "Invalid date format",
        "A date in the request is malformed, or a dynamic content id is invalid.",
        "日期格式无效", "• 指定的日期格式不正确 • 指定的动态内容ID无效",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "709", (R,), "Business Rule Violation", "Business Rule Violation",
        "The asset call breaks a rule: an email without a template, approving an asset that has no "
        "draft, cloning a program with assets that cannot be cloned, a duplicate name.",
        "违反业务规则",
        "调用无法完成，因为它违反了创建或更新资产的要求，例如，尝试在没有模板的情况下创建电子邮件。 尝试以下操作时也可能出现此错误： • 检索包含社交内容的登陆页面的内容。 • 克隆包含特定资产类型的程序（有关详细信息，请参阅程序克隆）。 • 批准没有草稿（即已批准）的资产。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "710", (R,), "Parent Folder Not Found", "Parent Folder Not Found",
        "The parent folder named in the call does not exist.",
        "未找到父文件夹", "找不到指定的父文件夹",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "711", (R,), "Incompatible Folder Type", "Incompatible Folder Type",
        "The folder exists but is the wrong type for this asset.",
        "不兼容的文件夹类型", "指定的文件夹的类型不正确，无法完成请求",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "712", (R,), "Merge to person Account operation is invalid", "Merge to person Account operation is invalid",
        "Merge Leads touched a Salesforce person account; those must be merged in Salesforce.",
        "合并到人员帐户操作无效",
        "由于尝试合并Salesforce人员帐户中的潜在客户，合并潜在客户调用失败。 Salesforce人员帐户必须合并到Salesforce中。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "713", (R,), "Transient Error", "Transient Error",
        "A system resource was briefly unavailable. Wait, then retry with backoff.",
        "暂时性错误", "在API调用时，系统资源暂时不可用。 遇到此错误时，建议等待一段时间，然后重试请求。",
        D.BACKOFF,
    ),
    ErrorSpec(
        "714", (R,), "Unable to find the default record type", "Unable to find the default record type",
        "Merge Leads could not find the CRM's default record type.",
        "找不到默认记录类型", "由于无法找到默认记录类型，合并潜在客户调用失败。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "718", (R,), "ExternalSalesPersonID not found", "ExternalSalesPersonID not found",
        "Sync Opportunities named an externalSalesPersonId that does not exist.",
        "未找到ExternalSalesPersonID", "使用不存在的“ExternalSalesPersonID”值执行了同步机会调用。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "719", (R,), "Lock wait timeout exception", "Lock wait timeout exception",
        "Clone Program timed out waiting for a lock. Retry with backoff.",
        "锁定等待超时异常", "已发出克隆程序调用，等待锁定时超时。",
        D.BACKOFF,
    ),
    # --- 1xxx: record level, some also for the whole call ---------------------------------------
    ErrorSpec(
        "1001", (C, R), "Invalid value '%s'. Required of type '%s'", "Invalid value '%s'. Required of type '%s'",
        "A parameter's value has the wrong type, such as a string where an integer belongs.",
        "值“%s”无效。 需要“%s”类型", "每当参数值有类型不匹配时，就会生成错误。 例如，为integer参数指定的字符串值。",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1002", (C, R), "Missing value for the required parameter '%s'", "Missing value for the required parameter '%s'",
        "A required parameter is missing from the request or the record.",
        "缺少所需参数“%s”的值", "请求中缺少所需的参数时会生成错误",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1003", (C, R), "Invalid data", "Invalid data",
        "The data is not valid for the endpoint or mode: an id with createOnly, a field value of the "
        "wrong type, Request Campaign on a batch campaign, a filter matching too many leads.",
        "数据无效",
        "提交的数据不是给定端点或模式的有效类型时；例如，通过指定为createOnly的操作提交商机的id时，或在批量营销活动中使用请求营销活动时。",
        D.RECORD_SKIPPED,
        variants=(
            Variant("invalid_field_value", "Invalid value for field '%s' and value '%s'"),
            Variant("too_many_results", "Too many results match the filter"),
            Variant("leads_not_specified", "Leads not specified"),
            Variant("empty_file", "Empty File"),
            Variant("invalid_data", "Invalid Data"),
            Variant("membership_size", "Total membership size: %s exceeds the limit allowed %s for the filter"),
        ),
    ),
    ErrorSpec(
        "1004", (C, R), "Lead not found", "Lead not found",
        "No lead matched: updateOnly found nothing, or a list, campaign or activity call named an unknown lead.",
        "未找到潜在客户", "对于syncLead，当操作为“updateOnly”且未找到潜在客户时",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1005", (C,), "Lead already exists", "Lead already exists",
        "createOnly found a lead with the same lookup key.",
        "潜在客户已存在", "对于syncLead，当操作为“createOnly”并且商机已存在时",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1006", (C, R), "Field '%s' not found", "Field '%s' not found",
        "A field named in the call is not a field of the object.",
        "找不到字段“%s”", "调用中包含的字段不是有效字段。",
        D.RECORD_SKIPPED,
        variants=(Variant("lookup_field", "Lookup field '%s' not found"),),
    ),
    ErrorSpec(
        "1007", (C,), "Multiple leads match the lookup criteria", "Multiple leads match the lookup criteria",
        "More than one lead has this lookup key; an update needs exactly one.",
        "多个潜在客户符合查找条件", "多个潜在客户符合查找条件。 仅当键与单个记录匹配时才能执行更新",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1008", (C,), "Access denied to partition '%s'", "Access denied to partition '%s'",
        "The API user's workspaces do not include the lead partition the record lives in.",
        "访问分区“%s”被拒绝", "自定义服务的用户无权访问包含该记录所在分区的工作区。",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1009", (C,), "Partition name must be specified", "Partition name must be specified",
        "The API user can reach several partitions, so the call must say which one.",
        "必须指定分区名称", "",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1010", (C,), "Partition update not allowed", "Partition update not allowed",
        "The record already exists in another lead partition; sync cannot move it.",
        "不允许分区更新", "指定的记录已存在于单独的Lead分区中。",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1011", (C, R), "Field '%s' not supported", "Field '%s' not supported",
        "The lookup field or filterType is a field that cannot be used that way (createdAt, firstName, ...).",
        "不支持字段“%s”", "当查找字段或用不支持的标准字段（例如：firstName、lastName）指定的“filterType”时",
        D.RECORD_SKIPPED,
        variants=(Variant("lookup_field", "Lookup field '%s' not supported"),),
    ),
    ErrorSpec(
        "1012", (C, R), "Invalid cookie value '%s'", "Invalid cookie value '%s'",
        "Associate Lead, or Get Leads with filterType=cookies, was given a malformed Munchkin cookie.",
        "无效的Cookie值“%s”",
        "调用关联潜在客户时，可能会发生这种情况，因为该潜在客户的“cookie”参数值无效。 当使用“filterType=cookies”和“filterValues”参数的无效值通过筛选类型调用获取潜在客户时，也会发生这种情况。",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1013", (C, R), "Object not found", "Object not found",
        "The object named by id (list, campaign, company, membership, ...) does not exist.",
        "未找到对象", "按ID获取对象（列表、营销活动）会返回此错误代码",
        D.RECORD_SKIPPED,
        variants=(
            Variant("record_not_found", "Record not found"),
            Variant("membership_not_found", "Membership not found"),
        ),
    ),
    ErrorSpec(
        "1014", (C, R), "Failed to create Object", "Failed to create Object",
        "Creating the object (a static list, say) failed.",
        "创建对象失败", "创建对象（列表）失败",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1015", (C,), "Lead not in list", "Lead not in list",
        "The lead exists but is not a member of the list.",
        "潜在客户不在列表中", "指定的潜在客户不是目标列表的成员",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1016", (R,), "There are %s imports currently being processed. Please try again later", "Too many imports",
        "Ten bulk imports are already queued or running. Wait for some to finish, then submit again.",
        "导入过多", "有太多导入已排队。 最多允许10个",
        D.QUEUE_FULL,
        variants=(Variant("documented", "Too many imports"),),
    ),
    ErrorSpec(
        "1017", (C, R), "Object already exists", "Object already exists",
        "Creation failed because the record already exists.",
        "对象已存在", "创建失败，因为记录已存在",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1018", (R, C), "CRM Enabled", "CRM Enabled",
        "The instance syncs natively with a CRM, which owns companies, opportunities, roles and sales "
        "persons; the API cannot write them.",
        "CRM已启用", "无法执行操作，因为实例启用了本机CRM集成。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1019", (R,), "Import in progress", "Import in progress",
        "An import into the target list is already running. Wait for it, then submit again.",
        "正在导入", "目标列表已在导入到",
        D.QUEUE_FULL,
    ),
    ErrorSpec(
        "1020", (R,), "Too many clones to program", "Too many clones to program",
        "Schedule Campaign's cloneToProgramName may be used 20 times a day; today's allotment is spent.",
        "要编程的克隆太多", "订阅已达到当天的计划计划中“cloneToProgramName”的分配使用量",
        D.QUOTA_EXHAUSTED,
    ),
    ErrorSpec(
        "1021", (C,), "Company update not allowed", "Company update not allowed",
        "Sync Leads cannot change company fields of a lead; use Sync Companies.",
        "不允许公司更新", "不允许在syncLead期间更新公司",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1022", (R, C), "Object in use", "Object in use",
        "The object cannot be deleted while another object (an import, an export, an asset) uses it.",
        "正在使用的对象", "当某个对象正由另一个对象使用时，不允许删除",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1025", (C, R), "Program status not found", "Program status not found",
        "The status named for a program member is not one of the program channel's statuses.",
        "程序状态未找到", "为更改潜在客户计划状态指定的状态与计划渠道可用的状态不匹配。",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1026", (R,), "Custom object not enabled", "Custom object not enabled",
        "Custom objects are not enabled on this instance.",
        "未启用自定义对象", "无法执行该操作，因为实例未启用自定义对象集成。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1027", (R,), "Max Activity Type Limit Reached", "Max Activity Type Limit Reached",
        "The instance already has the maximum number of custom activity types (10).",
        "已达到最大活动类型限制", "订阅已达到可用自定义活动类型的最大数。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1028", (R,), "Max field limit reached", "Max field limit reached",
        "A custom activity type may have at most 20 secondary attributes.",
        "已达到最大字段限制", "自定义活动最多有20个次要属性。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1029", (R,), "Too many jobs in queue", "Too many jobs in queue / Export daily quota exceeded",
        "Bulk extract: ten jobs are already queued (wait and enqueue again), or today's 500 MB export "
        "quota is spent (stop until midnight US Central), or this job is already queued.",
        "• 队列中的作业过多 • 超出导出每日配额",
        "• 在任何给定时间，队列中最多允许10个批量提取作业。 • 默认情况下，提取作业限制为每天500 MB（CST凌晨12:00每日重置）。",
        D.QUEUE_FULL,
        variants=(
            Variant("export_quota", "Export daily quota %sMB exceeded.", D.QUOTA_EXHAUSTED),
            Variant("job_already_queued", "Job already queued", D.CALLER_ERROR),
        ),
    ),
    ErrorSpec(
        "1035", (R,), "Unsupported filter type for target subscription", "Unsupported filter type",
        "This subscription does not support the bulk extract filter (updatedAt, smartListId, smartListName).",
        "不支持的筛选器类型", "在某些订阅中，不支持以下批量潜在客户提取过滤器类型： updatedAt、smartListId、smartListName。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1036", (C,), "Duplicate object found in input", "Duplicate object found in input",
        "Two records in one call share a key (the same externalCompanyId twice, say); all but one are skipped.",
        "在输入中发现重复的对象",
        "调用了使用相同的外键更新两个或多个记录。 例如，同步公司调用时对多个公司使用相同的externalCompanyId。",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1037", (C,), "Lead was skipped", "Lead was skipped",
        "The program member is already at or past the status, or is not in the program.",
        "已跳过潜在客户", "已跳过潜在客户，因为它已经处于或超过此状态。",
        D.RECORD_SKIPPED,
        variants=(
            Variant("already_in_status", "Lead skipped because it is already in or past this status"),
            Variant("not_in_program", "Lead not in program"),
        ),
    ),
    ErrorSpec(
        "1042", (R,), "Invalid runAt date", "Invalid runAt date",
        "Schedule Campaign's runAt is more than two years ahead.",
        "运行日期无效", "为计划营销活动指定的runAt日期太长了（最长为2年）。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1048", (R,), "Custom Object Discard Draft Failed", "Custom Object Discard Draft Failed",
        "Discarding the draft failed: there is no draft to discard.",
        "自定义对象放弃草稿失败", "已进行调用以放弃自定义对象的草稿版本。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1049", (C,), "Failed to Create Activity", "Failed to Create Activity",
        "The custom activity's attributes array is longer than 65,536 bytes.",
        "创建活动失败", "属性数组太长。 传递给记录的属性数组超过了65536字节的最大长度",
        D.RECORD_SKIPPED,
    ),
    ErrorSpec(
        "1076", (R,), "Merge Leads call with mergeInCRM flag is 4.", "Merge Leads call with mergeInCRM flag is 4.",
        "Merging in the CRM would create a duplicate record there; use the existing record instead.",
        "使用mergeInCRM标志的合并潜在客户调用为4。",
        "您正在创建重复记录。 建议您改用现有记录。 这是Marketo在Salesforce中合并时收到的错误消息。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1077", (R,), "Merge Leads call failed due to 'SFDC Field' length",
        "Merge Leads call failed due to 'SFDC Field' length",
        "With mergeInCRM=true a merged SFDC field would exceed its length; shorten it or merge with mergeInCRM=false.",
        "由于“SFDC字段”长度，合并潜在客户调用失败",
        "由于“SFDC字段”超出允许的字符限制，mergeInCRM设置为true的合并潜在客户调用失败。 要更正此问题，请缩短“SFDC字段”的长度，或将mergeInCRM设置为false。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1078", (R,),
        "Merge Leads call failed due to deleted entity, not a lead/contact, or field filter criteria does not match.",
        "Merge Leads call failed due to deleted entity, not a lead/contact, or field filter criteria does not match.",
        "The CRM could not merge: a record was deleted there, is not a lead or contact, or fails a field filter.",
        "合并潜在客户调用失败，因为实体已删除，不是潜在客户/联系人，或者字段筛选条件不匹配。",
        "合并失败，无法在本地同步的CRM中执行合并操作 这是Marketo在Salesforce中合并时收到的错误消息。",
        D.CALLER_ERROR,
    ),
    ErrorSpec(
        "1079", (R,), "Merge Leads  call failed due to Personalized URL conflict in duplicate records",
        "Merge Leads call failed due to Personalized URL conflict in duplicate records",
        "The leads being merged carry conflicting personalized URLs.",
        "合并潜在客户调用因重复记录中的个性化 URL 冲突而失败",
        "被合并的潜在客户带有互相冲突的个性化 URL（此条仅见于英文文档）。",
        D.CALLER_ERROR, zh_from_seed=False,
    ),
    ErrorSpec(
        "1080", (R,), "Merge Leads call exceeded the limit of %s ids in leadIds",
        "Too many leadIds in Merge Leads",
        "Merge Leads takes at most 25 losing ids in leadIds; split larger merges into several calls. "
        "(Documented since 2026-03-31; the runtime wording is not published, this text is ours.)",
        "合并潜在客户的 leadIds 过多",
        "自 2026-03-31 起，合并潜在客户调用的 leadIds 超过 25 个将返回 1080 并跳过该调用（此条仅见于英文文档）。",
        D.CALLER_ERROR, zh_from_seed=False,
    ),
)
