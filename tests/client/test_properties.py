"""Properties: the window is exact for any arrival pattern; batches always reassemble to the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mkto.client import Grant, InProcessLimiterBackend, Quota
from mkto.client._sizing import dumps, split_batch


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0.0, max_value=0.5, allow_nan=False), min_size=1, max_size=300),
    rate_calls=st.integers(min_value=1, max_value=12),
    window_s=st.floats(min_value=0.1, max_value=3.0, allow_nan=False),
    hold=st.lists(st.booleans(), min_size=1, max_size=300),
)
def test_no_window_ever_holds_more_than_n_starts_and_a_denial_is_always_earned(
    gaps: list[float], rate_calls: int, window_s: float, hold: list[bool]
) -> None:
    """Safety: no window of the test's own clock holds more than `rate_calls` grants. Liveness: a denial comes
    only when the window is full (a place lasts from its grant until `window_s` after its release, and always
    while in flight), and once the calls in flight are answered, after its `wait_s` on the same clock (at
    most a window) the call is granted."""
    now = [0.0]
    backend = InProcessLimiterBackend(clock=lambda: now[0])
    quota = Quota(rate_calls=rate_calls, window_s=window_s, concurrency=3, daily_budget=None, lease_ttl_s=60)
    starts: list[float] = []  # read off the test's clock, never off the backend's own `started_at`
    released: list[float] = []
    held: list[str] = []

    def grant(verdict: Grant) -> None:
        starts.append(now[0])
        held.append(verdict.lease_id)

    def release() -> None:
        backend.release(held.pop(0))
        released.append(now[0])

    for i, gap in enumerate(gaps):
        now[0] += gap
        verdict = backend.try_acquire(quota)
        if not isinstance(verdict, Grant):
            assert verdict.wait_s > 0
            places = len(held) + sum(1 for t in released if t > now[0] - window_s - 1e-9)
            assert places >= rate_calls, f"denied at {now[0]} with {places} of {rate_calls} places taken"
            while held:  # their answers come in now: each place lapses window_s from here, as the wait allowed
                release()
            waited = 0.0
            for _ in range(3):  # float rounding at the window's edge may ask for one more 1 ms
                waited += verdict.wait_s
                now[0] += verdict.wait_s
                verdict = backend.try_acquire(quota)
                if isinstance(verdict, Grant):
                    break
            assert isinstance(verdict, Grant), f"still denied after waiting {waited} s"
            assert waited <= window_s + 0.003
        grant(verdict)
        if not hold[i % len(hold)] or len(held) >= 3:
            release()
    assert len(starts) == len(gaps)  # every call was granted, at once or after its wait
    for i, t in enumerate(starts):
        in_window = [s for s in starts[i:] if s < t + window_s]
        assert len(in_window) <= rate_calls


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=3000), max_size=400),
    max_records=st.integers(min_value=1, max_value=300),
    max_bytes=st.integers(min_value=3200, max_value=60_000),
)
def test_split_batch_reassembles_and_respects_limits(sizes: list[int], max_records: int, max_bytes: int) -> None:
    records = [{"email": f"{i}@example.com", "notes": "x" * n} for i, n in enumerate(sizes)]

    def envelope(chunk: list[dict[str, str]]) -> bytes:
        return dumps({"action": "createOrUpdate", "input": chunk})

    chunks = split_batch(records, max_records=max_records, max_bytes=max_bytes, envelope=envelope)
    assert [r for _, c in chunks for r in c] == records
    for offset, chunk in chunks:
        assert records[offset : offset + len(chunk)] == chunk
        assert 1 <= len(chunk) <= max_records
        assert len(chunk) == 1 or len(envelope(chunk)) <= max_bytes
