"""The standard activity types an instance serves at `/rest/v1/activities/types.json`.

Shapes follow the recorded answer (node-marketo `activity-types`: id, name, description, primaryAttribute
{name, dataType}, attributes [{name, dataType}]). The recording holds only type 1; the other ids and names are
Marketo's well-known standard types. "Request Campaign" (47) and "Run Campaign" (48) are the emulator's choice
of ids for the effects of Request Campaign and a scheduled batch run: Marketo logs flow steps there, which
the emulator does not model.
"""

from __future__ import annotations

from typing import Any

from mkto.emulator._common.activity import (
    ADD_TO_LIST,
    CHANGE_DATA_VALUE,
    CUSTOM_TYPE_FIRST_ID,
    DELETE_LEAD,
    FILL_OUT_FORM,
    MERGE_LEADS,
    NEW_LEAD,
    REMOVE_FROM_LIST,
    REQUEST_CAMPAIGN,
    RUN_CAMPAIGN,
    VISIT_WEBPAGE,
)

__all__ = [
    "ADD_TO_LIST", "CHANGE_DATA_VALUE", "CUSTOM_TYPE_FIRST_ID", "DELETE_LEAD", "FILL_OUT_FORM", "MERGE_LEADS",
    "NEW_LEAD", "REMOVE_FROM_LIST", "REQUEST_CAMPAIGN", "RUN_CAMPAIGN", "STANDARD_TYPES", "VISIT_WEBPAGE",
]  # fmt: skip



def _attrs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "dataType": kind} for name, kind in pairs]


def _type(type_id: int, name: str, description: str, primary: tuple[str, str] | None,
          *attributes: tuple[str, str]) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {"id": type_id, "name": name, "description": description}
    if primary is not None:
        out["primaryAttribute"] = {"name": primary[0], "dataType": primary[1]}
    out["attributes"] = _attrs(*attributes)
    return out


STANDARD_TYPES: tuple[dict[str, Any], ...] = (
    _type(VISIT_WEBPAGE, "Visit Webpage", "User visits a web page", ("Webpage ID", "integer"),
          ("Client IP Address", "string"), ("Query Parameters", "string"), ("Referrer URL", "string"),
          ("Search Engine", "string"), ("Search Query", "string"), ("User Agent", "string"),
          ("Webpage URL", "string")),
    _type(FILL_OUT_FORM, "Fill Out Form", "User fills out and submits form on web page", ("Webform ID", "integer"),
          ("Client IP Address", "string"), ("Form Fields", "text"), ("Query Parameters", "string"),
          ("Referrer URL", "string"), ("User Agent", "string"), ("Webpage ID", "integer")),
    _type(3, "Click Link", "User clicks link on a page", ("Link ID", "integer"),
          ("Client IP Address", "string"), ("Query Parameters", "string"), ("Referrer URL", "string"),
          ("User Agent", "string"), ("Webpage ID", "integer")),
    _type(6, "Send Email", "Send Marketo Email to a person", ("Mailing ID", "integer"),
          ("Campaign Run ID", "integer"), ("Step ID", "integer"), ("Choice Number", "integer")),
    _type(7, "Email Delivered", "Marketo Email is delivered to a person", ("Mailing ID", "integer"),
          ("Campaign Run ID", "integer"), ("Step ID", "integer"), ("Choice Number", "integer")),
    _type(8, "Email Bounced", "Marketo Email bounces", ("Mailing ID", "integer"),
          ("Category", "string"), ("Details", "string"), ("Email", "string"), ("Subcategory", "string")),
    _type(9, "Unsubscribe Email", "Person unsubscribes from Marketo Emails", ("Mailing ID", "integer"),
          ("Client IP Address", "string"), ("Form Fields", "text"), ("User Agent", "string")),
    _type(10, "Open Email", "User opens Marketo Email", ("Mailing ID", "integer"),
          ("Device", "string"), ("Is Mobile Device", "boolean"), ("Platform", "string"), ("User Agent", "string")),
    _type(11, "Click Email", "User clicks on a link in a Marketo Email", ("Mailing ID", "integer"),
          ("Device", "string"), ("Is Mobile Device", "boolean"), ("Link", "string"), ("Platform", "string"),
          ("User Agent", "string")),
    _type(NEW_LEAD, "New Lead", "New person", None,
          ("Created Date", "date"), ("Form Name", "string"), ("Lead Source", "string"), ("List Name", "string"),
          ("SFDC Type", "string"), ("Source Type", "string"), ("API Method Name", "string"),
          ("Modifying User", "string")),
    _type(CHANGE_DATA_VALUE, "Change Data Value", "Changed attribute value for a person", ("Attribute Name", "integer"),
          ("New Value", "string"), ("Old Value", "string"), ("Reason", "string"), ("Source", "string"),
          ("API Method Name", "string"), ("Modifying User", "string"), ("Request Id", "string")),
    _type(22, "Change Score", "Change lead score", ("Score Name", "integer"),
          ("Change Value", "string"), ("New Value", "integer"), ("Old Value", "integer"), ("Reason", "string")),
    _type(ADD_TO_LIST, "Add to List", "Add person to a list", ("List ID", "integer"),
          ("Source", "string"), ("API Method Name", "string"), ("Modifying User", "string"),
          ("Request Id", "string")),
    _type(REMOVE_FROM_LIST, "Remove from List", "Remove person from a list", ("List ID", "integer"),
          ("Source", "string"), ("API Method Name", "string"), ("Modifying User", "string"),
          ("Request Id", "string")),
    _type(MERGE_LEADS, "Merge Leads", "Merge two or more persons", ("Lead ID", "integer"),
          ("Merge IDs", "text"), ("Merge Source", "string"), ("Merged in Sales", "boolean"),
          ("Master Updated", "boolean")),
    _type(DELETE_LEAD, "Delete Lead", "Delete a person", ("Lead ID", "integer"),
          ("Remove from CRM", "boolean"), ("API Method Name", "string"), ("Modifying User", "string")),
    _type(46, "Interesting Moment", "Interesting moment", ("Marketo Asset Name", "string"),
          ("Description", "text"), ("Source", "string"), ("Type", "string"), ("Date", "datetime")),
    _type(REQUEST_CAMPAIGN, "Request Campaign", "Person requested through a smart campaign",
          ("Campaign ID", "integer"), ("Source", "string"), ("API Method Name", "string"),
          ("Modifying User", "string")),
    _type(RUN_CAMPAIGN, "Run Campaign", "Scheduled batch smart campaign ran for a person",
          ("Campaign ID", "integer"), ("Run At", "datetime"), ("Qualified", "boolean")),
)  # fmt: skip

STANDARD_IDS = frozenset(t["id"] for t in STANDARD_TYPES)
