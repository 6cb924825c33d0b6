"""The conformance suite: Marketo's error contract as scenarios any client can be run through.

    from mkto.conformance import SCENARIOS, Target, adapter_for, run
    with Target.start() as target:
        verdicts = list(run(target, adapter_for("mkto"), SCENARIOS.values()))

It drives the emulator through its admin API and judges from the emulator's records. It may import
`mkto.client`, `mkto.emulator` and `mkto.errors`; only the `mkto conformance` command imports it.
"""

from ._adapters import CLIENTS, Adapter, CommandAdapter, Session, adapter_for
from ._report import as_json, as_markdown
from ._runner import Target, Verdict, run
from ._scenarios import SCENARIOS
from ._spec import OPERATIONS, Evidence, Op, OpResult, Scenario

__all__ = [
    "CLIENTS",
    "OPERATIONS",
    "SCENARIOS",
    "Adapter",
    "CommandAdapter",
    "Evidence",
    "Op",
    "OpResult",
    "Scenario",
    "Session",
    "Target",
    "Verdict",
    "adapter_for",
    "as_json",
    "as_markdown",
    "run",
]
