"""The lead field catalogue: the standard fields of a real instance, the custom fields created through the API,
and which of them can be searched, looked up, written or are owned by the lead's company.

The standard fields are the 100 fields a real instance's Describe returned
(`reference/marketo/recordings/grouparoo-describe.json`, Nov 2021): ids, API and SOAP names, display names,
types, lengths and read-only flags as recorded. The recorded instance had a few custom fields (ids 795-830,
`textarea_field` ... `currency_field`); they are kept, flagged custom, so the recordings' traffic replays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._common.tables import lead_fields
from mkto.emulator._store import Store

CUSTOM_FIELD_ID_BASE = 1000  # custom field ids are this plus the row id: above every standard id
MAX_TEXT_BYTES = 30_000  # "Text area ... Supports up to 30,000 bytes" (field-types.md)

# filterType / lookupField: "Any custom field (string, email, or integer types only), and any of the following
# fields are supported: cookies, email, facebookId, id, leadPartitionId, linkedInId, sfdcAccountId, ..." (spec).
SEARCHABLE_STANDARD = (
    "cookies", "email", "facebookId", "id", "leadPartitionId", "linkedInId", "sfdcAccountId", "sfdcContactId",
    "sfdcLeadId", "sfdcLeadOwnerId", "sfdcOpptyId", "twitterId",
)  # fmt: skip
# Sync Leads' lookupField takes the same set except leadPartitionId (a partition is not a dedupe key).
LOOKUP_STANDARD = tuple(f for f in SEARCHABLE_STANDARD if f != "leadPartitionId")
SEARCHABLE_CUSTOM_TYPES = frozenset({"string", "email", "integer"})

# Fields the Company object owns. Sync Leads may not change them on a lead linked to a company record
# (externalCompanyId set): "Company update not allowed" (1021); use Sync Companies.
COMPANY_FIELDS = frozenset({
    "company", "site", "billingStreet", "billingCity", "billingState", "billingCountry", "billingPostalCode",
    "website", "mainPhone", "annualRevenue", "numberOfEmployees", "industry", "sicCode", "mktoCompanyNotes",
})  # fmt: skip

# Fields the system maintains: never written from a record, even where Describe says readOnly=false.
SYSTEM_FIELDS = frozenset({"id", "createdAt", "updatedAt", "leadPartitionId"})

DEFAULT_GET_FIELDS = ("id", "firstName", "lastName", "email", "updatedAt", "createdAt")  # recorded key order

# Types the Create Lead Fields endpoint accepts (spec enum of CreateLeadField.dataType), with the length
# Marketo gives the new field.
CREATABLE_TYPES: Mapping[str, int | None] = {
    "boolean": None, "currency": None, "date": None, "datetime": None, "email": 255, "float": None,
    "integer": None, "percent": None, "phone": 255, "score": None, "string": 255, "url": 255,
}  # fmt: skip
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
DISPLAY_NAME = re.compile(r"[A-Za-z0-9 _\-]+")


@dataclass(frozen=True, slots=True)
class Field:
    """One lead field as Describe and the schema endpoints show it."""

    id: int
    name: str
    display_name: str
    data_type: str
    length: int | None
    read_only: bool
    soap_name: str | None
    is_custom: bool = False
    description: str | None = None
    is_hidden: bool = False
    is_html_encoding_in_email: bool = True
    is_sensitive: bool = False
    is_api_created: bool = False

    @property
    def writable(self) -> bool:
        return not self.read_only and self.name not in SYSTEM_FIELDS

    @property
    def searchable(self) -> bool:
        return self.name in SEARCHABLE_STANDARD or (self.is_custom and self.data_type in SEARCHABLE_CUSTOM_TYPES)

    @property
    def lookup(self) -> bool:
        return self.name in LOOKUP_STANDARD or (self.is_custom and self.data_type in SEARCHABLE_CUSTOM_TYPES)


# (id, REST name, display name, dataType, length, REST readOnly, SOAP name)
_STANDARD: tuple[tuple[int, str, str, str, int | None, bool, str | None], ...] = (
    (4, "company", "Company Name", "string", 255, False, "Company"),
    (5, "site", "Site", "string", 255, False, "Site"),
    (6, "billingStreet", "Billing Address", "text", None, False, "BillingStreet"),
    (7, "billingCity", "Billing City", "string", 255, False, "BillingCity"),
    (8, "billingState", "Billing State", "string", 255, False, "BillingState"),
    (9, "billingCountry", "Billing Country", "string", 255, False, "BillingCountry"),
    (10, "billingPostalCode", "Billing Postal Code", "string", 255, False, "BillingPostalCode"),
    (11, "website", "Website", "url", 255, False, "Website"),
    (12, "mainPhone", "Main Phone", "string", 255, False, "MainPhone"),
    (15, "annualRevenue", "Annual Revenue", "currency", None, False, "AnnualRevenue"),
    (16, "numberOfEmployees", "Num Employees", "integer", None, False, "NumberOfEmployees"),
    (17, "industry", "Industry", "string", 255, False, "Industry"),
    (18, "sicCode", "SIC Code", "string", 40, False, "SICCode"),
    (20, "mktoCompanyNotes", "Company Notes", "text", None, False, "MktoCompanyNotes"),
    (41, "externalCompanyId", "External Company Id", "string", 50, False, None),
    (44, "id", "Id", "integer", None, False, "Id"),
    (45, "mktoName", "Full Name", "string", 255, True, None),
    (46, "personType", "Person Type", "string", 50, False, "PersonType"),
    (48, "mktoIsPartner", "Is Partner", "boolean", None, False, None),
    (49, "isLead", "Is Lead", "boolean", None, False, "IsLead"),
    (50, "mktoIsCustomer", "Is Customer", "boolean", None, False, None),
    (51, "isAnonymous", "Is Anonymous", "boolean", None, False, None),
    (52, "salutation", "Salutation", "string", 255, False, "Salutation"),
    (53, "firstName", "First Name", "string", 255, False, "FirstName"),
    (54, "middleName", "Middle Name", "string", 255, False, "MiddleName"),
    (55, "lastName", "Last Name", "string", 255, False, "LastName"),
    (56, "email", "Email Address", "email", 255, False, "Email"),
    (57, "phone", "Phone Number", "phone", 255, False, "Phone"),
    (58, "mobilePhone", "Mobile Phone Number", "phone", 255, False, "MobilePhone"),
    (59, "fax", "Fax Number", "phone", 255, False, "Fax"),
    (60, "title", "Job Title", "string", 255, False, "Title"),
    (61, "contactCompany", "Contact Company", "reference", None, True, "Contact Company"),
    (62, "dateOfBirth", "Date of Birth", "date", None, False, "DateofBirth"),
    (63, "address", "Address", "text", None, False, "Address"),
    (64, "city", "City", "string", 255, False, "City"),
    (65, "state", "State", "string", 255, False, "State"),
    (66, "country", "Country", "string", 255, False, "Country"),
    (67, "postalCode", "Postal Code", "string", 255, False, "PostalCode"),
    (68, "personTimeZone", "Person Time Zone", "string", 255, True, None),
    (70, "originalSourceType", "Original Source Type", "string", 255, True, "OriginalSourceType"),
    (71, "originalSourceInfo", "Original Source Info", "string", 2000, True, "OriginalSourceInfo"),
    (72, "registrationSourceType", "Registration Source Type", "string", 255, False, "RegistrationSourceType"),
    (73, "registrationSourceInfo", "Registration Source Info", "string", 2000, False, "RegistrationSourceInfo"),
    (74, "originalSearchEngine", "Original Search Engine", "string", 255, True, "OriginalSearchEngine"),
    (75, "originalSearchPhrase", "Original Search Phrase", "string", 255, True, "OriginalSearchPhrase"),
    (76, "originalReferrer", "Original Referrer", "url", 255, True, "OriginalReferrer"),
    (77, "emailInvalid", "Email Invalid", "boolean", None, False, "EmailInvalid"),
    (78, "emailInvalidCause", "Email Invalid Cause", "string", 255, False, "EmailInvalidCause"),
    (79, "unsubscribed", "Unsubscribed", "boolean", None, False, "Unsubscribed"),
    (81, "unsubscribedReason", "Unsubscribed Reason", "string", 2000, False, "UnsubscribedReason"),
    (82, "doNotCall", "Do Not Call", "boolean", None, False, "DoNotCall"),
    (83, "mktoDoNotCallCause", "Do Not Call Cause", "string", 255, False, None),
    (84, "doNotCallReason", "Do Not Call Reason", "string", 2000, False, "DoNotCallReason"),
    (85, "marketingSuspended", "Marketing Suspended", "boolean", None, False, None),
    (86, "marketingSuspendedCause", "Marketing Suspended Cause", "string", 255, False, None),
    (87, "blackListed", "Black Listed", "boolean", None, False, None),
    (88, "blackListedCause", "Black Listed Cause", "string", 255, False, None),
    (89, "mktoPersonNotes", "Person Notes", "text", None, False, "MktoPersonNotes"),
    (103, "anonymousIP", "Anonymous IP", "string", 255, False, "AnonymousIP"),
    (104, "inferredCompany", "Inferred Company", "string", 255, True, "InferredCompany"),
    (105, "inferredCountry", "Inferred Country", "string", 255, True, "InferredCountry"),
    (106, "inferredCity", "Inferred City", "string", 255, True, None),
    (107, "inferredStateRegion", "Inferred State Region", "string", 255, True, None),
    (108, "inferredPostalCode", "Inferred Postal Code", "string", 255, True, None),
    (109, "inferredMetropolitanArea", "Inferred Metropolitan Area", "string", 255, True, None),
    (110, "inferredPhoneAreaCode", "Inferred Phone Area Code", "string", 255, True, None),
    (123, "emailSuspended", "Email Suspended", "boolean", None, False, None),
    (124, "emailSuspendedCause", "Email Suspended Cause", "string", 255, False, None),
    (125, "emailSuspendedAt", "Email Suspended At", "datetime", None, False, None),
    (126, "department", "Department", "string", 255, False, "Department"),
    (130, "createdAt", "Created At", "datetime", None, True, None),
    (131, "updatedAt", "Updated At", "datetime", None, True, None),
    (136, "cookies", "Cookies", "string", 255, False, None),
    (137, "externalSalesPersonId", "External Sales Person Id", "string", 50, False, None),
    (141, "leadPerson", "Lead Person", "reference", None, True, "Lead Person"),
    (143, "leadRole", "Role", "string", 50, False, "LeadRole"),
    (144, "leadSource", "Lead Source", "string", 255, False, "LeadSource"),
    (145, "leadStatus", "Lead Status", "string", 255, False, "LeadStatus"),
    (146, "leadScore", "Lead Score", "integer", None, False, "LeadScore"),
    (147, "urgency", "Urgency", "float", None, False, None),
    (148, "priority", "Priority", "integer", None, False, None),
    (149, "relativeScore", "Relative Score", "integer", None, False, None),
    (150, "relativeUrgency", "Relative Urgency", "integer", None, False, None),
    (160, "rating", "Lead Rating", "string", 255, False, "Rating"),
    (
        181,
        "personPrimaryLeadInterest",
        "Primary Lead Interest",
        "reference",
        None,
        True,
        "Person Primary Lead Interest",
    ),
    (479, "leadPartitionId", "Lead Partition Id", "reference", None, False, "Lead Partition ID"),
    (
        485,
        "leadRevenueCycleModelId",
        "Lead Revenue Cycle Model ID",
        "reference",
        None,
        False,
        "Lead Revenue Cycle Model ID",
    ),
    (487, "leadRevenueStageId", "Lead Revenue Stage ID", "reference", None, False, "Lead Revenue Stage ID"),
    (625, "acquisitionProgramId", "Acquisition Program", "reference", None, False, "Acquisition Program ID"),
    (627, "mktoAcquisitionDate", "Acquisition Date", "datetime", None, False, None),
    (795, "textarea_field", "textarea_field", "text", None, False, "textarea_field"),
    (796, "boolean_field", "boolean_field", "boolean", None, False, "boolean_field"),
    (797, "email_field", "email_field", "email", 255, False, "email_field"),
    (798, "integer_field", "integer_field", "integer", None, False, "integer_field"),
    (799, "float_field", "float_field", "float", None, False, "float_field"),
    (800, "datetime_field", "datetime_field", "datetime", None, False, "datetime_field"),
    (801, "score_field", "score_field", "integer", None, False, "score_field"),
    (802, "percent_field", "percent_field", "percent", None, False, "percent_field"),
    (827, "currency_field", "currency_field", "currency", None, False, "currency_field"),
    (830, "ecids", "ECIDs", "string", 255, True, None),
)
_RECORDED_CUSTOM_IDS = range(795, 830)  # the recorded instance's own custom fields

STANDARD_FIELDS: tuple[Field, ...] = tuple(
    Field(fid, name, display, dtype, length, read_only, soap, is_custom=fid in _RECORDED_CUSTOM_IDS)
    for fid, name, display, dtype, length, read_only, soap in _STANDARD
)


_MEMO_KEY = "lead-schema"


class Schema:
    """The lead fields of the instance right now: standard fields plus custom fields from the database."""

    def __init__(self, fields: Iterable[Field]) -> None:
        self._fields = {f.name: f for f in fields}
        self._folded = {name.lower(): f for name, f in self._fields.items()}

    @classmethod
    def load(cls, db: Connection) -> Schema:
        """The schema as of this transaction; remembered by the store until a field is created or changed."""
        store = Store.of(db.engine)
        if store is not None and (known := store.recall(_MEMO_KEY)) is not None:
            return known  # type: ignore[no-any-return]
        custom = [_custom_field(row) for row in db.execute(sa.select(lead_fields).order_by(lead_fields.c.id))]
        schema = cls([*STANDARD_FIELDS, *custom])
        if store is not None:
            store.remember(_MEMO_KEY, schema)
        return schema

    @staticmethod
    def changed(db: Connection) -> None:
        """Call after writing `lead_fields`: the next load reads them again."""
        store = Store.of(db.engine)
        if store is not None:
            store.forget(_MEMO_KEY)

    def __iter__(self) -> Iterator[Field]:
        return iter(sorted(self._fields.values(), key=lambda f: f.id))

    def __len__(self) -> int:
        return len(self._fields)

    def get(self, name: str) -> Field | None:
        return self._fields.get(name)

    def get_folded(self, name: str) -> Field | None:
        """Case-insensitive lookup: field names and display names must be unique ignoring case."""
        return self._folded.get(name.lower())

    def has_display_name(self, display_name: str) -> bool:
        folded = display_name.strip().lower()
        return any(f.display_name.lower() == folded for f in self._fields.values())

    def searchable_names(self) -> list[str]:
        """Describe2's searchable fields: those of this instance (Get Leads by Filter Type also takes the
        spec's standard names the instance lacks, such as sfdcLeadId, and finds nothing)."""
        return [f.name for f in self if f.searchable]


def _custom_field(row: sa.Row[tuple[object, ...]]) -> Field:
    m = row._mapping
    return Field(
        id=CUSTOM_FIELD_ID_BASE + int(m["id"]),
        name=str(m["name"]),
        display_name=str(m["display_name"]),
        data_type=str(m["data_type"]),
        length=m["length"],
        read_only=False,
        soap_name=str(m["name"]),
        is_custom=True,
        description=m["description"],
        is_hidden=bool(m["is_hidden"]),
        is_html_encoding_in_email=bool(m["is_html_encoding_in_email"]),
        is_sensitive=bool(m["is_sensitive"]),
        is_api_created=True,
    )
