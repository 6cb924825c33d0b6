"""Descriptions of the dedupe objects: what Describe shows and what the one generic model needs to know.

Companies, opportunities, opportunity roles, sales persons, named accounts and custom objects share one
contract (describe, sync by dedupe fields or id field, query by a searchable field, delete); each differs
only in its description here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ID = "id"
GUID = "marketoGUID"
SYSTEM_FIELDS = frozenset({"createdAt", "updatedAt", ID, GUID})


@dataclass(frozen=True, slots=True)
class ObjField:
    name: str
    display_name: str
    data_type: str  # string, integer, float, currency, boolean, date, datetime, email, url, text, link
    length: int | None = None
    updateable: bool = True

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "displayName": self.display_name, "dataType": self.data_type}
        if self.length is not None:
            out["length"] = self.length
        out["updateable"] = self.updateable
        return out


@dataclass(frozen=True, slots=True)
class ObjectType:
    """One dedupe object. `key` names its records in storage; `name` is what Describe calls it."""

    key: str
    name: str
    description: str
    id_field: str  # "id" (integer) or "marketoGUID"
    dedupe_fields: tuple[str, ...]
    searchable: tuple[tuple[str, ...], ...]
    fields: tuple[ObjField, ...]
    crm_managed: bool = False  # read-only while a native CRM sync is enabled (1018)
    required_on_create: tuple[str, ...] = ()
    not_found_variant: str | None = "record_not_found"  # 1013 wording for a missing record
    relationships: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # custom objects: displayName, pluralName, ...
    default_action: str = "createOrUpdate"
    defaults: Mapping[str, Any] = field(default_factory=dict)  # values a created record starts with

    def field(self, name: str) -> ObjField | None:
        for f in self.fields:
            if f.name.lower() == name.lower():
                return f
        return None

    def describe(self, created_at: str, updated_at: str) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        out.update(self.extra)
        out.update(
            {
                "description": self.description,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "idField": self.id_field,
                "dedupeFields": list(self.dedupe_fields),
                "searchableFields": [list(s) for s in self.searchable],
            }
        )
        if self.relationships:
            out["relationships"] = [dict(r) for r in self.relationships]
        out["fields"] = [f.describe() for f in self.fields]
        return out


def _f(name: str, display: str, kind: str = "string", length: int | None = None, updateable: bool = True) -> ObjField:
    if kind == "string" and length is None:
        length = 255
    return ObjField(name, display, kind, length, updateable)


_STAMPS = (_f("createdAt", "Created At", "datetime", updateable=False),
           _f("updatedAt", "Updated At", "datetime", updateable=False))  # fmt: skip
_GUID_FIELD = _f(GUID, "Marketo GUID", "string", 36, updateable=False)
STANDARD_SINCE = "2015-05-11T17:11:32Z"  # the docs' describe timestamps for the standard objects

COMPANY = ObjectType(
    key="company",
    name="Company",
    description="Company object",
    id_field=ID,
    dedupe_fields=("externalCompanyId",),
    searchable=(("externalCompanyId",), (ID,), ("company",)),
    fields=(
        *_STAMPS,
        _f("externalCompanyId", "External Company Id", "string", 100, updateable=False),
        _f(ID, "Id", "integer", updateable=False),
        _f("annualRevenue", "Annual Revenue", "currency"),
        _f("billingCity", "Billing City"),
        _f("billingCountry", "Billing Country"),
        _f("billingPostalCode", "Billing Postal Code"),
        _f("billingState", "Billing State"),
        _f("billingStreet", "Billing Address", "text"),
        _f("company", "Company Name"),
        _f("companyNotes", "Company Notes", "text"),
        _f("externalSalesPersonId", "External Sales Person Id"),
        _f("industry", "Industry"),
        _f("mainPhone", "Main Phone"),
        _f("numberOfEmployees", "Num Employees", "integer"),
        _f("sicCode", "SIC Code", "string", 40),
        _f("site", "Site"),
        _f("website", "Website", "url"),
    ),
    crm_managed=True,
)

SALES_PERSON = ObjectType(
    key="salesPerson",
    name="SalesPerson",
    description="Sales person object",
    id_field=ID,
    dedupe_fields=("externalSalesPersonId",),
    searchable=(("email",), (ID,), ("externalSalesPersonId",)),
    fields=(
        *_STAMPS,
        _f("externalSalesPersonId", "External Sales Person Id", "string", 100, updateable=False),
        _f(ID, "Id", "integer", updateable=False),
        _f("email", "Email", "email"),
        _f("fax", "Fax"),
        _f("firstName", "First Name"),
        _f("lastName", "Last Name"),
        _f("mobilePhone", "Mobile Phone"),
        _f("phone", "Phone"),
        _f("title", "Title"),
    ),
    crm_managed=True,
)

OPPORTUNITY = ObjectType(
    key="opportunity",
    name="Opportunity",
    description="Opportunity object",
    id_field=GUID,
    dedupe_fields=("externalOpportunityId",),
    searchable=(("externalOpportunityId",), (GUID,), ("externalCompanyId",), ("externalSalesPersonId",)),
    fields=(
        _GUID_FIELD,
        *_STAMPS,
        _f("externalOpportunityId", "External Opportunity Id", "string", 50, updateable=False),
        _f("amount", "Amount", "currency"),
        _f("closeDate", "Close Date", "date"),
        _f("description", "Description", "text"),
        _f("expectedRevenue", "Expected Revenue", "currency"),
        _f("externalCompanyId", "External Company Id", "string", 100),
        _f("externalSalesPersonId", "External Sales Person Id", "string", 100),
        _f("fiscalQuarter", "Fiscal Quarter", "integer"),
        _f("fiscalYear", "Fiscal Year", "integer"),
        _f("isClosed", "Closed", "boolean"),
        _f("isWon", "Won", "boolean"),
        _f("leadSource", "Lead Source"),
        _f("name", "Name"),
        _f("nextStep", "Next Step"),
        _f("probability", "Probability", "integer"),
        _f("stage", "Stage"),
        _f("type", "Type"),
    ),
    crm_managed=True,
    required_on_create=("name",),
)

OPPORTUNITY_ROLE = ObjectType(
    key="opportunityRole",
    name="Opportunity Role",
    description="Opportunity role object",
    id_field=GUID,
    dedupe_fields=("externalOpportunityId", "leadId", "role"),
    searchable=(("externalOpportunityId", "leadId", "role"), (GUID,), ("leadId",), ("externalOpportunityId",)),
    fields=(
        _GUID_FIELD,
        *_STAMPS,
        _f("externalOpportunityId", "External Opportunity Id", "string", 50, updateable=False),
        _f("leadId", "Lead Id", "integer", updateable=False),
        _f("role", "Role", "string", updateable=False),
        _f("isPrimary", "Is Primary", "boolean"),
    ),
    crm_managed=True,
)

NAMED_ACCOUNT = ObjectType(
    key="namedAccount",
    name="NamedAccount",
    description="Named account object",
    id_field=GUID,
    dedupe_fields=("name",),
    searchable=((GUID,), ("annualRevenue",), ("city",), ("country",), ("domainName",), ("industry",), ("name",)),
    fields=(
        _GUID_FIELD,
        *_STAMPS,
        _f("name", "Name", "string", updateable=False),
        _f("accountOwnerId", "Account Owner Id", "integer"),
        _f("annualRevenue", "Annual Revenue", "currency"),
        _f("city", "City"),
        _f("country", "Country"),
        _f("domainName", "Domain Name"),
        _f("industry", "Industry"),
        _f("logoUrl", "Logo Url", "url"),
        _f("numberOfEmployees", "Number Of Employees", "integer"),
        _f("sicCode", "SIC Code", "string", 40),
        _f("state", "State"),
    ),
)

NAMED_ACCOUNT_LIST = ObjectType(
    key="namedAccountList",
    name="NamedAccountList",
    description="Named account list object",
    id_field=GUID,
    dedupe_fields=("name",),
    searchable=(("name",), (GUID,)),
    fields=(_GUID_FIELD, _f("name", "Name"), *_STAMPS, _f("type", "Type", "string", updateable=False)),
    default_action="createOnly",
    defaults={"type": "default"},
)

STANDARD_OBJECTS: Sequence[ObjectType] = (
    COMPANY, SALES_PERSON, OPPORTUNITY, OPPORTUNITY_ROLE, NAMED_ACCOUNT, NAMED_ACCOUNT_LIST,
)  # fmt: skip
