# Generated from the error catalogue (src/mkto/errors/_entries.py) and the exception bases
# (src/mkto/errors/_exceptions.py) by `python scripts/gen_errors.py`. Do not edit: change the catalogue,
# then run the script again. `python scripts/gen_errors.py --check` fails while this file is stale.
"""One exception class per catalogue code, each under the base its disposition names.

Literal classes, so `from mkto.errors import Error606` works and type checkers see every code;
`CODE_CLASSES` maps each code to its class, in catalogue order.
"""

from __future__ import annotations

from ._exceptions import (
    AuthError,
    BadCredentials,
    CallerError,
    ConcurrencyLimited,
    MarketoError,
    PayloadTooLarge,
    QueueFull,
    QuotaExhausted,
    RateLimited,
    TransientError,
    UriTooLong,
)

__all__ = [
    "Error401",
    "Error413",
    "Error414",
    "Error500",
    "Error502",
    "Error601",
    "Error602",
    "Error603",
    "Error604",
    "Error605",
    "Error606",
    "Error607",
    "Error608",
    "Error609",
    "Error610",
    "Error611",
    "Error612",
    "Error613",
    "Error614",
    "Error615",
    "Error616",
    "Error701",
    "Error702",
    "Error703",
    "Error704",
    "Error709",
    "Error710",
    "Error711",
    "Error712",
    "Error713",
    "Error714",
    "Error718",
    "Error719",
    "Error1001",
    "Error1002",
    "Error1003",
    "Error1004",
    "Error1005",
    "Error1006",
    "Error1007",
    "Error1008",
    "Error1009",
    "Error1010",
    "Error1011",
    "Error1012",
    "Error1013",
    "Error1014",
    "Error1015",
    "Error1016",
    "Error1017",
    "Error1018",
    "Error1019",
    "Error1020",
    "Error1021",
    "Error1022",
    "Error1025",
    "Error1026",
    "Error1027",
    "Error1028",
    "Error1029",
    "Error1035",
    "Error1036",
    "Error1037",
    "Error1042",
    "Error1048",
    "Error1049",
    "Error1076",
    "Error1077",
    "Error1078",
    "Error1079",
    "Error1080",
]


class Error401(BadCredentials):
    """401: Unauthorized (identity endpoint). The identity endpoint refused the client id or secret. The body is OAuth-shaped ({error, error_description}), not a Marketo envelope. Retrying cannot help."""


class Error413(PayloadTooLarge):
    """413: Request Entity Too Large. The body was over 1 MB (10 MB for a bulk import file). The gateway rejects it before the API sees it, so nothing ran: split the batch and resend."""


class Error414(UriTooLong):
    """414: Request-URI Too Long. The URI was over 8 KB. Nothing ran: resend as POST with _method=GET in the URL and the rest of the query string as a form body."""


class Error500(TransientError):
    """500: Internal Server error. An unexpected condition on Marketo's side, sometimes a malformed URL. Whether the call ran is unknown: retry idempotent calls with backoff."""


class Error502(TransientError):
    """502: Bad Gateway. The remote server answered with an error, often a timeout. The call may or may not have run: retry idempotent calls with exponential backoff."""


class Error601(AuthError):
    """601: Access token invalid. The call carried an access token that is not valid (or none). Get a new token and retry."""


class Error602(AuthError):
    """602: Access token expired. The token was valid once and has expired. Get a new token, ignoring any cached expiry, and retry."""


class Error603(CallerError):
    """603: Access denied. Authentication worked but the API user's role lacks the permission for this endpoint, or the caller's IP is not on the allowlist. Fix the role or allowlist in Marketo admin."""


class Error604(TransientError):
    """604: Request time-out. The request ran too long (for example database contention) or past the timeout in its header. Retry with backoff."""


class Error605(CallerError):
    """605: HTTP Method not supported. The endpoint does not take this HTTP method; Sync Leads, for one, must be a POST."""


class Error606(RateLimited):
    """606: Max rate limit exceeded. More than 100 calls in the trailing 20 seconds, counted across every integration on the instance. Wait until the window frees a slot, then retry."""


class Error607(QuotaExhausted):
    """607: Daily quota reached. The instance has used its daily call quota (50,000 by default). It resets at 12:00 AM US Central; retrying before then only fails again."""


class Error608(TransientError):
    """608: API Temporarily Unavailable. The API is briefly unavailable. Retry with backoff."""


class Error609(CallerError):
    """609: Invalid JSON. The request body is not valid JSON."""


class Error610(CallerError):
    """610: Requested resource not found. The URI matches no REST resource, usually a typo or a malformed path. It is refused before authentication, so it does not count against the limits."""


class Error611(TransientError):
    """611: System error. An unhandled exception inside Marketo. Retry a few times with backoff; if it persists, log the request and response and contact support."""


class Error612(CallerError):
    """612: Invalid Content Type. The body's content type is not one the endpoint accepts; JSON endpoints want Content-Type: application/json."""


class Error613(CallerError):
    """613: Invalid Multipart Request. The multipart body of a POST (a bulk import upload) is malformed."""


class Error614(TransientError):
    """614: Invalid Subscription. The target subscription could not be found or reached; usually temporary. Retry with backoff."""


class Error615(ConcurrencyLimited):
    """615: Concurrent access limit reached. Ten calls were already in flight for the instance. Wait for one to finish, then retry."""


class Error616(CallerError):
    """616: Invalid subscription type. The custom object metadata API needs a subscription type this instance does not have."""


class Error701(CallerError):
    """701: %s cannot be blank. A required field in the request is empty."""


class Error702(CallerError):
    """702: No data found for a given search scenario. Nothing matched the search. Many searches say so with success=true and a warning instead."""


class Error703(CallerError):
    """703: The feature is not enabled for the subscription. A beta feature the call needs is not enabled on this subscription."""


class Error704(CallerError):
    """704: Invalid date format. A date in the request is malformed, or a dynamic content id is invalid."""


class Error709(CallerError):
    """709: Business Rule Violation. The asset call breaks a rule: an email without a template, approving an asset that has no draft, cloning a program with assets that cannot be cloned, a duplicate name."""


class Error710(CallerError):
    """710: Parent Folder Not Found. The parent folder named in the call does not exist."""


class Error711(CallerError):
    """711: Incompatible Folder Type. The folder exists but is the wrong type for this asset."""


class Error712(CallerError):
    """712: Merge to person Account operation is invalid. Merge Leads touched a Salesforce person account; those must be merged in Salesforce."""


class Error713(TransientError):
    """713: Transient Error. A system resource was briefly unavailable. Wait, then retry with backoff."""


class Error714(CallerError):
    """714: Unable to find the default record type. Merge Leads could not find the CRM's default record type."""


class Error718(CallerError):
    """718: ExternalSalesPersonID not found. Sync Opportunities named an externalSalesPersonId that does not exist."""


class Error719(TransientError):
    """719: Lock wait timeout exception. Clone Program timed out waiting for a lock. Retry with backoff."""


class Error1001(CallerError):
    """1001: Invalid value '%s'. Required of type '%s'. A parameter's value has the wrong type, such as a string where an integer belongs."""


class Error1002(CallerError):
    """1002: Missing value for the required parameter '%s'. A required parameter is missing from the request or the record."""


class Error1003(CallerError):
    """1003: Invalid data. The data is not valid for the endpoint or mode: an id with createOnly, a field value of the wrong type, Request Campaign on a batch campaign, a filter matching too many leads."""


class Error1004(CallerError):
    """1004: Lead not found. No lead matched: updateOnly found nothing, or a list, campaign or activity call named an unknown lead."""


class Error1005(CallerError):
    """1005: Lead already exists. createOnly found a lead with the same lookup key."""


class Error1006(CallerError):
    """1006: Field '%s' not found. A field named in the call is not a field of the object."""


class Error1007(CallerError):
    """1007: Multiple leads match the lookup criteria. More than one lead has this lookup key; an update needs exactly one."""


class Error1008(CallerError):
    """1008: Access denied to partition '%s'. The API user's workspaces do not include the lead partition the record lives in."""


class Error1009(CallerError):
    """1009: Partition name must be specified. The API user can reach several partitions, so the call must say which one."""


class Error1010(CallerError):
    """1010: Partition update not allowed. The record already exists in another lead partition; sync cannot move it."""


class Error1011(CallerError):
    """1011: Field '%s' not supported. The lookup field or filterType is a field that cannot be used that way (createdAt, firstName, ...)."""


class Error1012(CallerError):
    """1012: Invalid cookie value '%s'. Associate Lead, or Get Leads with filterType=cookies, was given a malformed Munchkin cookie."""


class Error1013(CallerError):
    """1013: Object not found. The object named by id (list, campaign, company, membership, ...) does not exist."""


class Error1014(CallerError):
    """1014: Failed to create Object. Creating the object (a static list, say) failed."""


class Error1015(CallerError):
    """1015: Lead not in list. The lead exists but is not a member of the list."""


class Error1016(QueueFull):
    """1016: Too many imports. Ten bulk imports are already queued or running. Wait for some to finish, then submit again."""


class Error1017(CallerError):
    """1017: Object already exists. Creation failed because the record already exists."""


class Error1018(CallerError):
    """1018: CRM Enabled. The instance syncs natively with a CRM, which owns companies, opportunities, roles and sales persons; the API cannot write them."""


class Error1019(QueueFull):
    """1019: Import in progress. An import into the target list is already running. Wait for it, then submit again."""


class Error1020(QuotaExhausted):
    """1020: Too many clones to program. Schedule Campaign's cloneToProgramName may be used 20 times a day; today's allotment is spent."""


class Error1021(CallerError):
    """1021: Company update not allowed. Sync Leads cannot change company fields of a lead; use Sync Companies."""


class Error1022(CallerError):
    """1022: Object in use. The object cannot be deleted while another object (an import, an export, an asset) uses it."""


class Error1025(CallerError):
    """1025: Program status not found. The status named for a program member is not one of the program channel's statuses."""


class Error1026(CallerError):
    """1026: Custom object not enabled. Custom objects are not enabled on this instance."""


class Error1027(CallerError):
    """1027: Max Activity Type Limit Reached. The instance already has the maximum number of custom activity types (10)."""


class Error1028(CallerError):
    """1028: Max field limit reached. A custom activity type may have at most 20 secondary attributes."""


class Error1029(QueueFull):
    """1029: Too many jobs in queue / Export daily quota exceeded. Bulk extract: ten jobs are already queued (wait and enqueue again), or today's 500 MB export quota is spent (stop until midnight US Central), or this job is already queued."""


class Error1035(CallerError):
    """1035: Unsupported filter type. This subscription does not support the bulk extract filter (updatedAt, smartListId, smartListName)."""


class Error1036(CallerError):
    """1036: Duplicate object found in input. Two records in one call share a key (the same externalCompanyId twice, say); all but one are skipped."""


class Error1037(CallerError):
    """1037: Lead was skipped. The program member is already at or past the status, or is not in the program."""


class Error1042(CallerError):
    """1042: Invalid runAt date. Schedule Campaign's runAt is more than two years ahead."""


class Error1048(CallerError):
    """1048: Custom Object Discard Draft Failed. Discarding the draft failed: there is no draft to discard."""


class Error1049(CallerError):
    """1049: Failed to Create Activity. The custom activity's attributes array is longer than 65,536 bytes."""


class Error1076(CallerError):
    """1076: Merge Leads call with mergeInCRM flag is 4.. Merging in the CRM would create a duplicate record there; use the existing record instead."""


class Error1077(CallerError):
    """1077: Merge Leads call failed due to 'SFDC Field' length. With mergeInCRM=true a merged SFDC field would exceed its length; shorten it or merge with mergeInCRM=false."""


class Error1078(CallerError):
    """1078: Merge Leads call failed due to deleted entity, not a lead/contact, or field filter criteria does not match.. The CRM could not merge: a record was deleted there, is not a lead or contact, or fails a field filter."""


class Error1079(CallerError):
    """1079: Merge Leads call failed due to Personalized URL conflict in duplicate records. The leads being merged carry conflicting personalized URLs."""


class Error1080(CallerError):
    """1080: Too many leadIds in Merge Leads. Merge Leads takes at most 25 losing ids in leadIds; split larger merges into several calls. (Documented since 2026-03-31; the runtime wording is not published, this text is ours.)"""


CODE_CLASSES: dict[str, type[MarketoError]] = {
    "401": Error401,
    "413": Error413,
    "414": Error414,
    "500": Error500,
    "502": Error502,
    "601": Error601,
    "602": Error602,
    "603": Error603,
    "604": Error604,
    "605": Error605,
    "606": Error606,
    "607": Error607,
    "608": Error608,
    "609": Error609,
    "610": Error610,
    "611": Error611,
    "612": Error612,
    "613": Error613,
    "614": Error614,
    "615": Error615,
    "616": Error616,
    "701": Error701,
    "702": Error702,
    "703": Error703,
    "704": Error704,
    "709": Error709,
    "710": Error710,
    "711": Error711,
    "712": Error712,
    "713": Error713,
    "714": Error714,
    "718": Error718,
    "719": Error719,
    "1001": Error1001,
    "1002": Error1002,
    "1003": Error1003,
    "1004": Error1004,
    "1005": Error1005,
    "1006": Error1006,
    "1007": Error1007,
    "1008": Error1008,
    "1009": Error1009,
    "1010": Error1010,
    "1011": Error1011,
    "1012": Error1012,
    "1013": Error1013,
    "1014": Error1014,
    "1015": Error1015,
    "1016": Error1016,
    "1017": Error1017,
    "1018": Error1018,
    "1019": Error1019,
    "1020": Error1020,
    "1021": Error1021,
    "1022": Error1022,
    "1025": Error1025,
    "1026": Error1026,
    "1027": Error1027,
    "1028": Error1028,
    "1029": Error1029,
    "1035": Error1035,
    "1036": Error1036,
    "1037": Error1037,
    "1042": Error1042,
    "1048": Error1048,
    "1049": Error1049,
    "1076": Error1076,
    "1077": Error1077,
    "1078": Error1078,
    "1079": Error1079,
    "1080": Error1080,
}
