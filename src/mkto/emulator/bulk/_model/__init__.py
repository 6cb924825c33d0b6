"""Bulk import and bulk extract: state and business rules. No HTTP here: routes parse, this decides (raising
`ApiError` with the catalogue's code) and returns plain records; files are bytes or chunk streams.

Queues replay lazily on the virtual clock (`_queue.py`): an import waits IMPORT_START_DELAY_S after it was
queued, then takes IMPORT_BASE_S plus one second per IMPORT_ROWS_PER_S rows; an extract waits
EXPORT_START_DELAY_S, then takes EXPORT_BASE_S plus one second per EXPORT_RECORDS_PER_S records (counted when
it starts). When a bulk call first observes the finish time, an import's rows go in (the leads'
createdAt/updatedAt are that finish time, `_rows.py`) and an extract's file is written: by that call for a
small job, by the store's background worker (`bulk/_worker.py`) for an import over INLINE_ROWS rows or an
extract over INLINE_RECORDS records, the import showing Importing and the extract Processing until it is done.

Behaviour Marketo leaves undocumented, chosen here (each has a test):
- an unknown or another user's batch or export id is response-level 1013 "Object not found"; the file,
  failures and warnings endpoints answer 404 with the catalogue's 610 text as plain text instead;
- import: a file with no data row (nothing, or a header alone) is 1003 "Empty File"; a listId naming no static
  list is 1013; an empty cell leaves the field as it is; a row whose lookup field is empty fails with 1002's
  message naming the field; an invalid value fails the row with the leads model's own reason (1003 "Invalid
  value for field ..."), except an invalid address in an email field that is not the lookup field, which is
  dropped with a warning carrying that same text (bulk-program-member-import.md: an invalid email is a warning);
  lookupField=id updates only; header names are taken as written (" vin" names no field);
- custom object import: the same queue as leads (2 running, 10 queued in all); rows go through the custom
  objects model's createOrUpdate by dedupe fields, so a row fails with that model's own reason (a column
  naming no field: 1006); an unknown type is 1013 and disabled custom objects 1026, as for its other calls;
- extract: a missing `fields` (leads) or `filter` is 1002; a date string that is no date is 704; a filter with
  other than one member, an unknown filter type, a missing date, endAt before startAt or a range over 31 days,
  an unknown format or a bad columnHeaderNames is 1003; an unknown field is 1006 naming it; smart-list filters (when the subscription allows them) match
  nothing, since the emulator has no smart lists;
- enqueue of a Queued or Processing job is 1029 "Job already queued"; of a finished or cancelled one, 1003;
  cancel of a finished job answers its status unchanged;
- the export quota blocks create and enqueue once today's bytes reach the limit (>=); the message gives the
  limit in whole MB ("500MB") or, for a limit that is not whole, in `%g` MB.
"""

from __future__ import annotations

from mkto.emulator.bulk._model._base import CUSTOM_OBJECTS, unsupported_filters
from mkto.emulator.bulk._model._extracts import Extracts, export_status_record
from mkto.emulator.bulk._model._imports import Imports, import_queue
from mkto.emulator.bulk._model._quota import quota_text
from mkto.emulator.bulk._model._sources import Source

__all__ = [
    "CUSTOM_OBJECTS", "Extracts", "Imports", "Source", "export_status_record", "import_queue", "quota_text",
    "unsupported_filters",
]  # fmt: skip
