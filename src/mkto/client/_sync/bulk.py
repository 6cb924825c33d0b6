# GENERATED FILE, do not edit: made from src/mkto/client/_async/bulk.py by `python scripts/unasync.py`.
# Change the async source and run the script again (CI fails when this file is stale: --check).
"""`client.bulk`: bulk import and extract, one line per method over the bulk builders (`_ops.bulk`).

Downloads are written by the shell's file operations (the async shell runs them in a worker thread); import
files are read before the flow starts (`_bulk_files.source_files`), and so are the rows of an extract file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from mkto.errors.limits import MAX_IMPORT_BYTES

from .._bulk_files import RowDecoder, iter_file_rows, source_files
from .._ops.bulk import BulkOps, BulkWait, ExtractResult, ImportResult, extract_body, import_params, verify

if TYPE_CHECKING:
    from .client import Client

Source: TypeAlias = "str | os.PathLike[str] | bytes | Iterable[Mapping[str, Any]]"


class Bulk:
    """`client.bulk`: bulk import and extract, waiting politely for Marketo's queues.

    result = client.bulk.import_leads(rows)             # dict rows, a path or bytes
    client.bulk.extract_leads(["id", "email"], {"createdAt": {...}}, path="leads.csv")
    for row in client.bulk.iter_extract("leads", body): ...
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = BulkOps(client._core)

    @property
    def wait(self) -> BulkWait:
        return self._ops.wait

    @wait.setter
    def wait(self, value: BulkWait) -> None:
        self._ops.wait = value

    def import_leads(
        self,
        source: Source,
        *,
        format: str = "CSV",
        fields: Sequence[str] | None = None,
        lookup_field: str | None = None,
        list_id: int | None = None,
        partition_name: str | None = None,
        max_file_bytes: int = MAX_IMPORT_BYTES,
    ) -> ImportResult:
        files = source_files(source, format.upper(), fields, max_file_bytes)
        params = import_params(lookup_field, list_id, partition_name)
        return self._client.run(self._ops.import_all(None, files, format, params))

    def import_custom_objects(
        self,
        api_name: str,
        source: Source,
        *,
        format: str = "CSV",
        fields: Sequence[str] | None = None,
        max_file_bytes: int = MAX_IMPORT_BYTES,
    ) -> ImportResult:
        files = source_files(source, format.upper(), fields, max_file_bytes)
        return self._client.run(self._ops.import_all(api_name, files, format, {}))

    def import_status(self, batch_id: int, *, api_name: str | None = None) -> dict[str, Any]:
        return self._client.run(self._ops.import_status(api_name, batch_id))

    def extract(self, kind: str, body: Mapping[str, Any], *, path: str | os.PathLike[str]) -> ExtractResult:
        """Any extract: kind "leads", "activities", "program/members" or "customobjects/<apiName>"."""
        return self._client.run(self._ops.extract(kind, body, path))

    def extract_leads(
        self,
        fields: Sequence[str],
        filter: Mapping[str, Any],
        *,
        path: str | os.PathLike[str],
        format: str = "CSV",
        column_header_names: Mapping[str, str] | None = None,
    ) -> ExtractResult:
        return self.extract("leads", extract_body(fields, filter, format, column_header_names), path=path)

    def start_extract(self, kind: str, body: Mapping[str, Any]) -> str:
        """Create and enqueue; the export id returned can be saved and given to `resume_extract` later."""
        return self._client.run(self._ops.start_extract(kind, body))

    def create_extract(self, kind: str, body: Mapping[str, Any]) -> str:
        """Create only: save the export id first, then `wait_extract` or `resume_extract` enqueue and wait, so
        an interruption at any point leaves an id to carry on with."""
        return self._client.run(self._ops.create_extract(kind, body))

    def wait_extract(self, export_id: str, *, kind: str = "leads") -> dict[str, Any]:
        """Enqueue a created job (waiting out a full queue), poll it, and return its Completed status (with
        `fileSize` and `fileChecksum`); `BulkJobFailed` if it ends otherwise."""
        return self._client.run(self._ops.completed(kind, export_id))

    def resume_extract(self, export_id: str, *, path: str | os.PathLike[str], kind: str = "leads") -> ExtractResult:
        """Carry on with a saved export id: wait for it, download what `path` does not hold yet, verify."""
        return self._client.run(self._ops.finish_extract(kind, export_id, path))

    def extract_status(self, export_id: str, *, kind: str = "leads") -> dict[str, Any]:
        return self._client.run(self._ops.extract_status(kind, export_id))

    def download(self, export_id: str, *, path: str | os.PathLike[str], kind: str = "leads") -> int:
        """Only the download (Range-resumed onto what `path` holds); `FileNotAvailable` before Completed."""
        return self._client.run(self._ops.download(kind, export_id, path))

    def iter_rows(self, export_id: str, *, kind: str = "leads") -> Generator[dict[str, str], None]:
        """A job's rows as dicts, parsed as the download streams (nothing on disk, little in memory); a drop
        resumes with Range. The checksum is checked at the end: `ChecksumMismatch` after the last row."""
        status = self._client.run(self._ops.completed(kind, export_id))
        decoder = RowDecoder(str(status.get("format", "CSV")))
        flow = self._ops.core.download(self._ops.file_spec(kind, export_id), None, size=int(status.get("fileSize", 0)))
        with contextlib.closing(self._client.iterate(flow)) as chunks:  # an early stop closes it now
            for chunk in chunks:
                for row in decoder.feed(chunk):
                    yield row
        for row in decoder.finish():
            yield row
        verify(decoder, status, export_id)

    def iter_extract(
        self, kind: str, body: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None
    ) -> Generator[dict[str, str], None]:
        """Run an extract and yield its rows: streamed (`path=None`), or through the file at `path`."""
        if path is None:
            for row in self.iter_rows(self.start_extract(kind, body), kind=kind):
                yield row
            return
        self.extract(kind, body, path=path)
        for row in iter_file_rows(path, str(body.get("format", "CSV")).upper()):
            yield row
