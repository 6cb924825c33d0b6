"""A soak client in its own process (imported by spawned children of tests/test_soak.py).

Process `p` owns the leads `soak-p{p}-{i}@example.com` and writes one field of its own (`SHARED_FIELDS[p]`) on
the shared leads `soak-shared-{i}@example.com`, so whatever order the processes' calls land in, the final state
is known: in round `r` it syncs its own leads (created in round 0 with createOnly) with `firstName` =
`p{p}r{r}`, except those `i % rounds == r`, which it deletes (a lead deleted in one round comes back in the
next one's sync); and it sets its field on every shared lead to
`p{p}r{r}`. Each operation is retried by the application when the client raises (as a real integration
would); every exception that reached it is reported, by class name and code.
"""

from __future__ import annotations

from typing import Any

SHARED_FIELDS = ("lastName", "title", "company", "city")


def own_email(p: int, i: int) -> str:
    return f"soak-p{p}-{i}@example.com"


def shared_email(i: int) -> str:
    return f"soak-shared-{i}@example.com"


def expected_state(processes: int, own: int, shared: int, rounds: int) -> dict[str, dict[str, str]]:
    """email -> the fields it must end with; a deleted lead is absent."""
    last = rounds - 1
    state: dict[str, dict[str, str]] = {}
    for p in range(processes):
        for i in range(own):
            if i % rounds != last:
                state[own_email(p, i)] = {"firstName": f"p{p}r{last}"}
    for i in range(shared):
        state[shared_email(i)] = {SHARED_FIELDS[p]: f"p{p}r{last}" for p in range(processes)}
    return state


def soak_worker(job: tuple[str, str, str, int, int, int, int, int]) -> list[tuple[str, str | None, str]]:
    """Run process `p`'s rounds; the exceptions that reached the caller, as (class, code, message)."""
    base_url, client_id, client_secret, p, own, shared, rounds, attempts = job
    from mkto.client import Client, Limits, RetryPolicy
    from mkto.errors import MarketoError

    seen: list[tuple[str, str | None, str]] = []

    def insist(operation: Any, *args: Any, **kwargs: Any) -> Any:
        for _ in range(attempts):
            try:
                return operation(*args, **kwargs)
            except MarketoError as exc:
                seen.append((type(exc).__name__, exc.code, str(exc)[:200]))
            except Exception as exc:  # anything else reaching a caller is a defect: reported, never retried
                seen.append((type(exc).__name__, None, repr(exc)[:200]))
                raise
        raise AssertionError(f"process {p}: {operation} failed {attempts} times")

    retry = RetryPolicy(max_attempts=8, base_delay_s=0.05, max_delay_s=0.5, deadline_s=120)
    limits = Limits(rate_calls=40, rate_seconds=2, concurrency=4)
    with Client(
        base_url=base_url, client_id=client_id, client_secret=client_secret, retry=retry, limits=limits
    ) as client:
        for r in range(rounds):
            mine = [i for i in range(own) if i % rounds != r]
            gone = [own_email(p, i) for i in range(own) if i % rounds == r]
            action = "createOnly" if r == 0 else "createOrUpdate"
            leads = [{"email": own_email(p, i), "firstName": f"p{p}r{r}"} for i in mine]
            if r == 0:  # round 0 creates every own lead first (those of round 0's delete too)
                leads = [{"email": own_email(p, i), "firstName": f"p{p}r{r}"} for i in range(own)]
            insist(client.leads.sync, leads, action=action)
            insist(client.leads.sync, [{"email": shared_email(i), SHARED_FIELDS[p]: f"p{p}r{r}"} for i in range(shared)])
            found = insist(client.leads.get_by_filter, "email", gone, fields=["id", "email"])
            if found:
                insist(client.leads.delete, [lead["id"] for lead in found])
    return seen
