"""Lost responses resolved: after a batch write's answer is lost, read its records back, resend only what
did not commit, and answer per record as if the lost call had answered. Sans-IO like the rest of the core.

The core decides here; an area's `Resolver` (in `_ops`) only knows how to read its records back. A record
the lost call wrote is told from one that was already there by its timestamps, on the server's clock: the
`Date` of the last answer received before the lost call was sent, and the read-back answer's `Date` minus
the time that passed here since then, are both moments no later than the server's receipt of the lost call.
The earlier of the two (to the second) is the threshold: a record created (or updated) at or after it is
taken as written by the lost call, one created before it as there already. The earlier one holds even when
the server's clock jumps (an emulator's virtual clock); the price is that a record someone else created
between the threshold and the lost call is reported as created by it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from mkto.errors import AmbiguousOutcome, MarketoError, RecordOutcome, RecordState

from ._operations import Flow, RequestSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._core import Core

COMMITTED, NOT_COMMITTED, UNKNOWN = "committed", "not_committed", "unknown"
ALREADY_EXISTS = "1005"  # a createOnly resend's answer for a record that is there


@dataclass(frozen=True, slots=True)
class Stored:
    """A record a read-back found: its id (as the object names it), when it was created and updated."""

    ids: Mapping[str, Any]
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    @property
    def id(self) -> Any:
        return next(iter(self.ids.values()), None)


@dataclass(slots=True)
class ReadBack:
    """What a read-back found: per input position its identifying key, per key the stored records, and
    the server's clock (`Date`) of the first answer with the local clock when it arrived."""

    key_of: dict[int, Hashable] = field(default_factory=dict)
    found: dict[Hashable, list[Stored]] = field(default_factory=dict)
    server_time: dt.datetime | None = None
    local_time: float = 0.0

    def note_answer(self, server_time: dt.datetime | None, local_time: float) -> None:
        if self.server_time is None and server_time is not None:
            self.server_time, self.local_time = server_time, local_time

    def add(self, key: Hashable, stored: Stored) -> None:
        records = self.found.setdefault(key, [])
        if all(s.ids != stored.ids for s in records):
            records.append(stored)


class Resolver(Protocol):
    """How one area reads the records of a batch back (`_ops.leads`, `_ops.objects`)."""

    action: str

    def read_back(self, records: Sequence[tuple[int, Mapping[str, Any]]]) -> Flow[ReadBack]:
        """Find the stored records for these (position, record) pairs; positions without an identifying
        value get no key (they stay unknown)."""
        ...


def parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


SentAt = tuple[float, dt.datetime | None]  # the local clock when the lost call was sent, the server's before it


def threshold(seen: ReadBack, sent_at: SentAt, wall_now: dt.datetime, local_now: float) -> dt.datetime:
    """The server-clock moment no later than its receipt of the lost call, to the second. Without any `Date`
    from the server, this machine's wall clock stands in for it (then its skew matters)."""
    local_sent, floor = sent_at
    server, local = (seen.server_time, seen.local_time) if seen.server_time is not None else (wall_now, local_now)
    since = server - dt.timedelta(seconds=max(local - local_sent, 0.0))
    if floor is not None:
        since = min(since, floor)
    return since.replace(microsecond=0)


Verdict = tuple[str, Stored | None, str | None]  # state, the stored record, the status it had


def classify(action: str, positions: Sequence[int], seen: ReadBack, since: dt.datetime) -> dict[int, Verdict]:
    """Per position: written by the lost call (and how), not written (resend), or unknown."""
    groups: dict[Hashable, list[int]] = {}
    verdicts: dict[int, Verdict] = {}
    for position in positions:
        key = seen.key_of.get(position)
        if key is None:
            verdicts[position] = (UNKNOWN, None, None)
        else:
            groups.setdefault(key, []).append(position)
    for key, members in groups.items():
        stored = seen.found.get(key, [])
        if action == "createDuplicate":
            verdicts.update(_duplicates(members, stored, since))
        elif len(members) == 1:
            verdicts[members[0]] = _one(action, stored, since)
        else:  # one key twice in a batch: absent, both are resent; found, which input did what is not known
            verdicts.update(dict.fromkeys(members, (UNKNOWN, None, None) if stored else (NOT_COMMITTED, None, None)))
    return verdicts


def _one(action: str, stored: list[Stored], since: dt.datetime) -> Verdict:
    """createOnly: a record created since the threshold was created by the lost call (resending it would only
    answer 1005). createOrUpdate and updateOnly are resent whatever the timestamps say: resending writes the
    same values again, while a record touched since the threshold may have been touched by another call in
    that second (this client's own previous one, or another writer's), not by the lost call, whose values
    would then never land. A record created since the threshold keeps "created" as the status its resend's
    "updated" replaces (the `Stored` of a NOT_COMMITTED verdict)."""
    if any(s.created_at is None or s.updated_at is None for s in stored):
        return (UNKNOWN, None, None)  # a record that cannot be dated cannot be told apart
    if action == "updateOnly":
        return (NOT_COMMITTED, None, None)
    new = [s for s in stored if s.created_at is not None and s.created_at >= since]
    if len(new) > 1:
        return (UNKNOWN, None, None)
    if action == "createOnly":
        # created since: the lost call's; absent, or there before: the resend says which (1005)
        return (COMMITTED, new[0], "created") if new else (NOT_COMMITTED, None, None)
    return (NOT_COMMITTED, new[0], "created") if new else (NOT_COMMITTED, None, None)


def _duplicates(members: list[int], stored: list[Stored], since: dt.datetime) -> dict[int, Verdict]:
    """createDuplicate: the records created since the lost call, one per input that carries the value."""
    if any(s.created_at is None for s in stored):
        return dict.fromkeys(members, (UNKNOWN, None, None))
    new = sorted((s for s in stored if s.created_at is not None and s.created_at >= since), key=_id_order)
    if not new:
        return dict.fromkeys(members, (NOT_COMMITTED, None, None))
    if len(new) != len(members):
        return dict.fromkeys(members, (UNKNOWN, None, None))
    return {p: (COMMITTED, s, "created") for p, s in zip(members, new, strict=True)}


def _id_order(stored: Stored) -> tuple[int, str]:
    value = stored.id
    return (int(value), "") if isinstance(value, int) else (0, str(value))


def resolve(
    core: Core,
    records: Sequence[Any],
    make_spec: Callable[[list[Any]], RequestSpec],
    resolver: Resolver,
    *,
    sent_at: SentAt,
    lost: AmbiguousOutcome,
) -> Flow[list[RecordOutcome]]:
    """The outcomes of `records` (one lost call's batch) in input order, or `AmbiguousOutcome` with what
    could be established. Read-backs and resends are ordinary calls: limiter, token and retry apply."""
    done: dict[int, RecordOutcome] = {}
    held: dict[int, RecordOutcome] = {}  # a createOnly resend's 1005 on a record the read-back had not found
    created: set[int] = set()  # createOrUpdate: records the read-back shows the lost call created
    pending = list(range(len(records)))
    for _ in range(core.retry.lost_response_rounds):
        try:
            seen = yield from resolver.read_back([(i, records[i]) for i in pending])
        except MarketoError as err:  # the read-back itself is impossible
            raise _unresolved(lost, len(records), done, unknown=pending) from err
        since = threshold(seen, sent_at, core.wall_clock(), core.clock())
        verdicts = classify(resolver.action, pending, seen, since)
        resend: list[int] = []
        unknown: list[int] = []
        for i in pending:
            state, stored, status = verdicts[i]
            if state == COMMITTED and stored is not None and status is not None:
                done[i] = RecordOutcome(i, status, stored.id, (), {**stored.ids, "status": status})
            elif i in held:
                done[i] = held.pop(i)  # not written by a lost call: the resend's 1005 stands
            elif state == NOT_COMMITTED:
                if status == "created":
                    created.add(i)  # the lost call created it: its resend's "updated" is reported as "created"
                resend.append(i)
            else:
                unknown.append(i)
        if unknown:
            raise _unresolved(lost, len(records), done, unknown=unknown)
        if not resend:
            break
        try:
            response = yield from core.call(make_spec([records[i] for i in resend]), raise_lost=True)
        except AmbiguousOutcome as again:  # the resend's answer was lost too: read back again
            lost, pending = again, resend
            continue
        pending = []
        for outcome in response.records:
            i = resend[outcome.index]
            moved = dataclasses.replace(outcome, index=i)
            if i in created and moved.status == "updated":
                moved = dataclasses.replace(moved, status="created", raw={**moved.raw, "status": "created"})
            exists = any(r.code == ALREADY_EXISTS for r in outcome.reasons)
            if resolver.action == "createOnly" and exists and not seen.found.get(seen.key_of.get(i, None), []):
                held[i] = moved  # maybe written by the lost call and not yet visible: look once more
                pending.append(i)
            else:
                done[i] = moved
        if not pending:
            break
    else:
        raise _unresolved(lost, len(records), done, unknown=pending)
    if len(done) != len(records):
        missing = [i for i in range(len(records)) if i not in done]
        raise _unresolved(lost, len(records), done, unknown=missing)
    return [done[i] for i in range(len(records))]


def state_of(outcome: RecordOutcome) -> RecordState:
    if outcome.ok:
        return RecordState(outcome.index, COMMITTED, outcome.id, outcome.status)
    return RecordState(outcome.index, NOT_COMMITTED, outcome.id, outcome.status)


def _unresolved(
    lost: AmbiguousOutcome, size: int, done: Mapping[int, RecordOutcome], *, unknown: Sequence[int]
) -> AmbiguousOutcome:
    blind = set(unknown)
    states = []
    for i in range(size):
        if i in done:
            states.append(state_of(done[i]))
        else:
            states.append(RecordState(i, UNKNOWN if i in blind else NOT_COMMITTED))
    lost.records = tuple(states)
    return lost


def batch_states(
    size: int, outcomes: Sequence[RecordOutcome], offset: int, chunk: Sequence[RecordState] | int
) -> tuple[RecordState, ...]:
    """One state per input record of a whole batch: the answered chunks as they answered, the ambiguous
    chunk as established (`chunk`: its states, or its length when nothing is known), the rest never sent."""
    states = {o.index: state_of(o) for o in outcomes}
    if isinstance(chunk, int):
        states.update((offset + i, RecordState(offset + i, UNKNOWN)) for i in range(chunk))
    else:
        states.update((offset + s.index, dataclasses.replace(s, index=offset + s.index)) for s in chunk)
    return tuple(states.get(i, RecordState(i, NOT_COMMITTED)) for i in range(size))
