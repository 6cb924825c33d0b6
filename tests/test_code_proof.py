"""The run-time code coverage check (tests/_code_proof.py), run on a small project in a child pytest.

The project (tests/data/code_proof/project_*, copied under their real names) names five codes' tests. Honest, it
passes. Broken the ways the static table check cannot see (a named test skipped, a code no longer produced, a
fault injected through a helper), it fails naming each code, as it does when an answer's message is not the
English text pinned for its code. A selection that leaves a code's tests out does not fail for that code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, ROOT

PROJECT = DATA / "code_proof"


def run(tmp_path: Path, *args: str, broken: bool) -> subprocess.CompletedProcess[str]:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("conftest.py", "test_codes.py", "pytest.ini"):  # stored renamed: the suite must not collect them
        shutil.copy(PROJECT / f"project_{name}", project / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = str(ROOT)
    env["CODE_PROOF_BROKEN"] = "1" if broken else "0"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def proof_lines(output: str) -> list[str]:
    return sorted(line.removeprefix("CODE PROOF ") for line in output.splitlines() if line.startswith("CODE PROOF "))


def test_the_honest_project_passes(tmp_path: Path) -> None:
    done = run(tmp_path, broken=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout
    assert "run-time code coverage: 5 of 5 code(s) proved at run time" in done.stdout
    assert proof_lines(done.stdout) == []


WRONG_610 = (
    "610: test_codes.py::test_610_unknown_resource got the message 'Requested resource not found', none of the"
    " English texts documented for 610"
)


def test_a_skipped_test_a_lost_code_a_helper_fault_and_a_drifted_message_each_fail_by_code(tmp_path: Path) -> None:
    done = run(tmp_path, broken=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "5 passed, 1 skipped" in done.stdout  # every test "passes": only the check fails the run
    assert proof_lines(done.stdout) == [
        "601: test_codes.py::test_601_without_a_token did not pass (skipped)",
        "606: test_codes.py::test_606_over_the_rate_window never received 606 from an emulator",
        "609: only fault plans produced it (no named test reached it by its condition)",
        WRONG_610,
    ]


def test_codes_whose_named_tests_were_not_all_selected_are_not_checked(tmp_path: Path) -> None:
    done = run(tmp_path, "-k", "610_unknown or 611 or 609", broken=True)
    assert done.returncode == 1, done.stdout + done.stderr  # 609 was selected whole: still checked
    assert proof_lines(done.stdout) == [
        "609: only fault plans produced it (no named test reached it by its condition)",
        WRONG_610,  # messages are checked on every answer, whatever the selection
    ]
    # 601 and 606 were deselected, and 610's second test: none of them is checked, so none is reported
