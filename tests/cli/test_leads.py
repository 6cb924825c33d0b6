"""`mkto leads sync`, `leads get` and `leads import` against the emulator, and the bad input each refuses."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .conftest import Emu, cli_env, mkto, no_traceback, seed_leads


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_sync_reports_each_record_created_updated_or_skipped(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 1, prefix="old")
    source = write(
        tmp_path / "leads.csv",
        "email,firstName,score_field\nnew@example.com,New,\nold0@example.com,Again,\nbad@example.com,Bad,many\n",
    )
    done = mkto("leads", "sync", str(source), "--json", env=cli_env(emu.env()))
    assert done.returncode == 1, done.stderr  # a record was skipped
    out = json.loads(done.stdout)
    assert out["summary"] == {"file": str(source), "records": 3, "created": 1, "updated": 1, "skipped": 1}
    lines = [(r["line"], r["email"], r["status"]) for r in out["records"]]
    assert lines == [
        (2, "new@example.com", "created"),
        (3, "old0@example.com", "updated"),
        (4, "bad@example.com", "skipped"),
    ]
    assert out["records"][2]["reasons"].startswith("1003 ")  # Marketo's own reason, from the catalogue's code
    with emu.client() as client:
        found = client.leads.get_by_filter("email", ["old0@example.com"], fields=["firstName"])
    assert found[0]["firstName"] == "Again"


def test_sync_of_json_lines_with_create_only_writes_a_report_file(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 1, prefix="dup")
    source = write(
        tmp_path / "leads.jsonl",
        '{"email": "dup0@example.com", "firstName": "Dup"}\n\n{"email": "fresh@example.com", "score_field": 5}\n',
    )
    report = tmp_path / "report.csv"
    done = mkto("leads", "sync", str(source), "--action", "createOnly", "--report", str(report), env=cli_env(emu.env()))
    assert done.returncode == 1, done.stderr
    assert "2 records: 1 created, 0 updated, 1 skipped" in done.stdout
    assert "1005 Lead already exists" in done.stdout  # the skipped table on stdout
    with report.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["line"], r["email"], r["status"], r["reasons"]) for r in rows] == [
        ("1", "dup0@example.com", "skipped", "1005 Lead already exists"),
        ("3", "fresh@example.com", "created", ""),
    ]


def test_sync_of_600_records_goes_in_batches_with_a_clean_exit(emu: Emu, tmp_path: Path) -> None:
    lines = "".join(json.dumps({"email": f"b{i}@example.com"}) + "\n" for i in range(650))
    source = write(tmp_path / "many.jsonl", lines)
    report = tmp_path / "report.json"
    done = mkto("leads", "sync", str(source), "--report", str(report), env=cli_env(emu.env()))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(report.read_text(encoding="utf-8"))) == 650
    assert len(emu.paths("/rest/v1/leads.json")) == 3  # 300 + 300 + 50
    assert "650 of 650 leads" in done.stderr  # the progress, as lines when stderr is not a terminal


def test_sync_refuses_a_file_without_the_lookup_column(emu: Emu, tmp_path: Path) -> None:
    source = write(tmp_path / "leads.csv", "firstName,lastName\nAda,Lovelace\n")
    report = tmp_path / "report.csv"
    done = mkto("leads", "sync", str(source), "--report", str(report), env=cli_env(emu.env()))
    assert done.returncode == 2
    no_traceback(done)
    assert "has no 'email' column (the lookup field); its columns are: firstName, lastName" in done.stderr
    assert not report.exists()
    assert emu.paths("/rest/v1/leads.json") == []  # nothing was sent
    jsonl = write(tmp_path / "leads.jsonl", '{"firstName": "Ada"}\n')
    other = mkto("leads", "sync", str(jsonl), "--lookup-field", "email", env=cli_env(emu.env()))
    assert other.returncode == 2
    assert "no record has 'email'" in other.stderr


def test_unreadable_files_are_one_line_and_exit_2(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(emu.env())
    absent = mkto("leads", "sync", str(tmp_path / "absent.csv"), env=env)
    assert absent.returncode == 2
    no_traceback(absent)
    assert "cannot read" in absent.stderr and "No such file or directory" in absent.stderr
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"email\n\xff\xfe\x00bad\n")
    done = mkto("leads", "import", str(binary), env=env)
    assert done.returncode == 2
    no_traceback(done)
    assert "it is not UTF-8 text" in done.stderr
    broken = write(tmp_path / "broken.jsonl", '{"email": "a@example.com"}\n{"email": \n')
    bad_json = mkto("leads", "sync", str(broken), env=env)
    assert bad_json.returncode == 2
    assert "line 2 is not JSON" in bad_json.stderr
    (tmp_path / "folder.csv").mkdir()
    folder = mkto("leads", "import", str(tmp_path / "folder.csv"), env=env)
    assert folder.returncode == 2
    assert "Traceback" not in folder.stderr


def test_get_by_filter_prints_a_table_or_json_and_exits_1_on_no_match(emu: Emu) -> None:
    seed_leads(emu, 3, prefix="get")
    env = cli_env(emu.env())
    done = mkto("leads", "get", "--filter", "email=get1@example.com,get2@example.com", "--fields", "email,firstName",
                "--json", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted((lead["email"], lead["firstName"]) for lead in json.loads(done.stdout)) == [
        ("get1@example.com", "F1"), ("get2@example.com", "F2"),
    ]  # fmt: skip
    table = mkto(
        "leads", "get", "--filter", "email=get0@example.com", "--fields", "email", "--fields", "lastName", env=env
    )
    assert table.returncode == 0
    assert "get0@example.com" in table.stdout and "Seeded" in table.stdout
    none = mkto("leads", "get", "--filter", "email=nobody@example.com", env=env)
    assert none.returncode == 1
    assert "no lead has email in ['nobody@example.com']" in none.stderr
    bad = mkto("leads", "get", "--filter", "email", env=env)
    assert bad.returncode == 2
    assert "expected FIELD=VALUE" in bad.stderr


def test_import_saves_failures_and_warnings_beside_the_file(emu: Emu, tmp_path: Path) -> None:
    source = write(
        tmp_path / "people.csv",
        "email,firstName,score_field\nok1@example.com,Ok,1\n,NoEmail,2\nok2@example.com,Bad,notanumber\n"
        "ok3@example.com,Fine,3\n",
    )
    (tmp_path / "people.warnings.csv").write_text("stale\n", encoding="utf-8")  # from an older run
    with emu.clock_running():
        done = mkto("leads", "import", str(source), "--poll", "0.2", "--json", env=cli_env(emu.env()))
    assert done.returncode == 1, done.stderr  # rows failed
    out = json.loads(done.stdout)
    assert (out["rows"], out["failed"]) == (4, 2)
    with (tmp_path / "people.failures.csv").open(encoding="utf-8") as f:
        failures = list(csv.DictReader(f))
    assert [f["firstName"] for f in failures] == ["NoEmail", "Bad"]
    assert all(f["Import Failure Reason"] for f in failures)
    assert out["failures_file"] == str(tmp_path / "people.failures.csv")
    assert not (tmp_path / "people.warnings.csv").exists()  # this run had none: the stale file is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv", "people.failures.csv"]  # no temporary left
    assert "importing 4 rows of people.csv" in done.stderr
    assert "import submitted: waiting for the batch" in done.stderr
    with emu.client() as client:
        assert len(client.leads.get_by_filter("email", ["ok1@example.com", "ok3@example.com"])) == 2


def test_import_refuses_a_file_without_the_lookup_column(emu: Emu, tmp_path: Path) -> None:
    source = write(tmp_path / "people.csv", "firstName\nAda\n")
    done = mkto("leads", "import", str(source), env=cli_env(emu.env()))
    assert done.returncode == 2
    no_traceback(done)
    assert "has no 'email' column (the lookup field)" in done.stderr
    assert emu.paths("/bulk/v1/leads.json") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"]
    empty = write(tmp_path / "empty.csv", "")
    nothing = mkto("leads", "import", str(empty), env=cli_env(emu.env()))
    assert nothing.returncode == 2
    assert "it is empty" in nothing.stderr
