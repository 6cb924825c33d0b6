"""Lead partitions: which exist, which the API user may touch, and moving leads between them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from mkto.emulator._api import skipped
from mkto.emulator._common.tables import leads
from mkto.emulator._common.values import show, storable_text
from mkto.emulator._params import parse_id
from mkto.emulator.leads._model._base import Base, Record
from mkto.emulator.leads._tables import DEFAULT_PARTITION_NAME, lead_partitions


class Partitions(Base):
    """Partitions: created on first sight of a user naming them; a lead in one the user cannot reach is invisible."""

    def partitions(self) -> dict[str, int]:
        """Partition name -> id; the partitions the user's configuration names are created on first sight."""
        if self._partitions is None:
            rows = self.db.execute(sa.select(lead_partitions.c.name, lead_partitions.c.id)).all()
            by_name = {str(name): int(pid) for name, pid in rows}
            wanted = [DEFAULT_PARTITION_NAME, *sorted(self.user.partitions or ())]
            for name in wanted:
                if name not in by_name and storable_text(name) and len(name) <= 255:
                    pid = max(by_name.values(), default=0) + 1
                    self.db.execute(lead_partitions.insert().values(id=pid, name=name))
                    by_name[name] = pid
            self._partitions = by_name
        return self._partitions

    def partition_name(self, pid: int) -> str:
        return next((name for name, p in self.partitions().items() if p == pid), str(pid))

    def accessible(self) -> set[int] | None:
        """Partition ids the API user may touch; None for every partition."""
        if self.user.partitions is None:
            return None
        parts = self.partitions()
        return {parts[name] for name in self.user.partitions if name in parts}

    def _can_touch(self, pid: int) -> bool:
        reachable = self.accessible()
        return reachable is None or pid in reachable

    def list_partitions(self) -> list[Record]:
        self.partitions()
        rows = self.db.execute(sa.select(lead_partitions).order_by(lead_partitions.c.id)).all()
        reachable = self.accessible()
        return [
            {"id": r.id, "name": r.name, "description": r.description or r.name}
            for r in rows
            if reachable is None or r.id in reachable
        ]

    def update_partitions(self, inputs: Sequence[Any]) -> list[Record]:
        self._check_batch(inputs)
        parts = self.partitions()
        results: list[Record] = []
        for item in inputs:
            lead_id = parse_id(item.get("id")) if isinstance(item, dict) else None
            name = item.get("partitionName") if isinstance(item, dict) else None
            row = self._lead(lead_id) if lead_id is not None else None
            if lead_id is None:
                results.append(skipped("1002", "id"))
            elif not isinstance(name, str) or not name:
                results.append(skipped("1002", "partitionName", id=lead_id))
            elif row is None:
                results.append(skipped("1004", id=lead_id))
            elif not self._can_touch(row.partition_id):
                results.append(skipped("1008", self.partition_name(row.partition_id), id=lead_id))
            elif name not in parts or not self._can_touch(parts[name]):
                results.append(skipped("1008", show(name), id=lead_id))
            else:
                self.db.execute(
                    leads.update().where(leads.c.id == lead_id).values(partition_id=parts[name], updated_at=self.stamp)
                )
                results.append({"id": lead_id, "status": "updated"})
        return results
