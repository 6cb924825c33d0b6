"""CRM handlers of this area's own: binding a standard object to the generic dedupe-object handlers
(`_common.objects.routes`), and named account list membership."""

from __future__ import annotations

from collections.abc import Sequence

from mkto.emulator import _params as p
from mkto.emulator._api import Call, Reply
from mkto.emulator._common.objects import routes as objects
from mkto.emulator._common.objects.model import LEAD, Reference
from mkto.emulator._common.objects.types import ObjectType
from mkto.emulator.crm._model import NamedAccountLists
from mkto.emulator.crm._objects import OPPORTUNITY, OPPORTUNITY_ROLE, SALES_PERSON

REFERENCES: dict[str, tuple[Reference, ...]] = {
    OPPORTUNITY.key: (Reference("externalSalesPersonId", SALES_PERSON.key, "externalSalesPersonId", "718"),),
    OPPORTUNITY_ROLE.key: (
        Reference("externalOpportunityId", OPPORTUNITY.key, "externalOpportunityId", "1013"),
        Reference("leadId", LEAD, "id", "1004"),
    ),
}


def fixed(obj: ObjectType) -> objects.Resolve:
    refs = REFERENCES.get(obj.key, ())

    def resolve(_: Call) -> tuple[ObjectType, Sequence[Reference]]:
        return obj, refs

    return resolve


def _list(call: Call) -> NamedAccountLists:
    return NamedAccountLists(call.db, call.now, str(call.path_params.get("id", "")))


def list_members(call: Call) -> Reply:
    page = _list(call).members(
        call.param_list("fields") or None, p.batch_size(call), call.param("nextPageToken") or None
    )
    return p.paged(page)


def add_members(call: Call) -> Reply:
    return Reply(result=_list(call).add(p.records(p.body(call))))


def remove_members(call: Call) -> Reply:
    return Reply(result=_list(call).remove(p.records(p.body(call))))
