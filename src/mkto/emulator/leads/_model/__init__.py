"""Leads: state and business rules. No HTTP here: the routes parse, this decides, raising `ApiError` for a
response-level error and returning one result per input record (in input order) for record-level outcomes.

Behaviour Marketo leaves undocumented, chosen here (each has a test):
- a partitionName that does not exist is "Access denied to partition '<name>'" (1008), like one the user may
  not use; partitions exist once an API user names them (or "Default", seeded);
- a lead owned by a partition the API user cannot reach is invisible to reads and answers 1008 to writes;
- `id` in a record is a key only for updateOnly; with any other action the record is skipped 1003;
  lookupField=id with another action is "Lookup field 'id' not supported" (1011);
- a record with no value for the lookup field is created (createOnly/createOrUpdate) or skipped with 1002
  naming the field (updateOnly);
- read-only fields (createdAt, updatedAt, mktoName, inferred*, ...) and leadPartitionId in a record are
  ignored, not rejected;
- company fields are "Company update not allowed" (1021) only for a lead linked to a company record
  (externalCompanyId set, before or by the same record);
- unknown programs and forms named by Push Lead / Submit Form are not errors: the lead is upserted and program
  membership is recorded only for a program that exists; lookupField=mktToken is keyed by email;
- a string longer than its field, or a text area over 30,000 bytes, is an invalid value (1003), not truncated;
  a datetime without an offset is UTC;
- more than 300 records (sync, delete, filterValues) or 100 new fields is response-level 1003 "Invalid data";
- batchSize outside 1..300, and a nextPageToken this query did not hand out, are 1001;
- filterType naming no field is 1006, a field that cannot be searched 1011; the spec's standard searchable names
  the instance lacks (sfdcLeadId, twitterId, ...) are accepted and match nothing;
- Get Lead by Id, memberships and Get Leads by Program Id for an unknown lead or program answer an empty result;
  an unknown schema field by name is response-level 1006;
- Delete Leads' skipped records keep their id; a deleted lead leaves its list, program and campaign memberships,
  and a merge moves the losers' memberships to the winner;
- the lead schema and partitions survive `POST /_mkto/reset`.

Every lead write records its activity (read back through `/rest/v1/activities...`): a created lead New Lead,
each field an update changes Change Data Value (an unchanged field nothing), Delete Leads Delete Lead, Merge
Leads the losers' activities moved to the winner then Merge Leads (plus Change Data Value for each winner field
a loser filled), Submit Form Fill Out Form. "API Method Name" tells the path apart (syncLead, pushLead,
submitForm, importLead, deleteLead, mergeLeads). Choices: forms are not modelled, so Fill Out Form's primary
value is the form id as text; Delete Lead's primary value is the lead's name (else its email); the Munchkin
cookie a form or Associate Lead stores and a partition change record no activity.
"""

from __future__ import annotations

from mkto.emulator.leads._model._base import Page, Record, is_cookie
from mkto.emulator.leads._model._fields import Fields
from mkto.emulator.leads._model._merge import Merges
from mkto.emulator.leads._model._upsert import Upserts

__all__ = ["LeadDatabase", "Page", "Record", "is_cookie"]


class LeadDatabase(Upserts, Merges, Fields):
    """The lead database as one API user sees it at one instant of the virtual clock. One concern per module:
    `_partitions`, `_reads`, `_memberships`, `_upsert`, `_merge`, `_fields`, on the shared `_base`."""
