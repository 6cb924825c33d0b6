"""The CRM area's standard dedupe objects: companies, sales persons, opportunities, opportunity roles, named
accounts and named account lists, each an `ObjectType` the generic model in `_common.objects` serves.
"""

from __future__ import annotations

from collections.abc import Sequence

from mkto.emulator._common.objects.types import GUID, ID, ObjectType, ObjField


def _f(name: str, display: str, kind: str = "string", length: int | None = None, updateable: bool = True) -> ObjField:
    if kind == "string" and length is None:
        length = 255
    return ObjField(name, display, kind, length, updateable)


_STAMPS = (_f("createdAt", "Created At", "datetime", updateable=False),
           _f("updatedAt", "Updated At", "datetime", updateable=False))  # fmt: skip
_GUID_FIELD = _f(GUID, "Marketo GUID", "string", 36, updateable=False)

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
    crm_unavailable=True,  # "available only for subscriptions that do not have native CRM sync enabled"
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
