"""Bad input to `mulin` commands, found by a QA pass from outside: one line on stderr, exit 2,
never a traceback, and nothing already stored is lost."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli.commands import run
from tests.test_cli import mulin, write_config

RESIDENT = "oResident0001"
PROC = Path("/proc/self")
needs_proc = pytest.mark.skipif(not PROC.exists(), reason="needs Linux's /proc")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def residents(tmp_path: Path) -> list[tuple[str, str]]:
    """What the database holds (read directly: the checks must not depend on the CLI)."""
    with sqlite3.connect(tmp_path / "m.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT openid, birth_date FROM residents").fetchall()


@pytest.fixture
def config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A migrated SQLite database holding one resident."""
    cfg = write_config(tmp_path)
    people = tmp_path / "people.yaml"
    people.write_text(
        f"residents:\n  - {{openid: {RESIDENT}, building: '1', birth_date: 1960-02-29}}\n",
        encoding="utf-8",
    )
    code, _, err = cli(capsys, "residents", "import", str(people), "--config", str(cfg))
    assert code == 0, err
    assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]
    return cfg


# --- 1. impossible dates written without quotes in YAML ----------------------------------------

ROSTER = (
    "community: {code: C1, name: 青和居}\nmembers:\n  - {id: m01, name: 张三, since: 2026-13-01}\n"
)
RULES = (
    "rules:\n  - name: x\n    schedule: {hour: 9}\n    audience: community\n    text: hi\n"
    "    start: 2026-13-01\n"
)


@pytest.mark.parametrize(
    ("command", "name", "content", "line"),
    [
        (
            ("residents", "import"),
            "people.yaml",
            "residents:\n  - {openid: oX, birth_date: 1960-02-30}\n",
            2,
        ),
        (("residents", "import"), "people.yml", "- {openid: oX, birth_date: 2026-13-01}\n", 1),
        (("roster", "import"), "roster.yaml", ROSTER, 3),
        (("broadcast", "add"), "rules.yaml", RULES, 6),
    ],
)
def test_impossible_dates_in_data_files_are_one_line(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    name: str,
    content: str,
    line: int,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = cli(capsys, *command, str(path), "--config", str(config))
    assert code == 2 and out == ""
    assert one_line(err).startswith(f"mulin: {path}: not valid YAML at line {line}")
    assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]


def test_impossible_dates_in_the_configuration_are_one_line(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for sla in ("{holidays: [2027-02-30]}", "{extra_workdays: [2026-13-01]}"):
        bad = write_config(tmp_path, f"sla: {sla}\n")
        code, _, err = cli(capsys, "db", "upgrade", "--config", str(bad))
        assert code == 2
        assert one_line(err).startswith(f"mulin: --config: {bad} is not valid YAML at line 3: '")
        assert "is not a real date" in err
    roster = tmp_path / "roster.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    code, _, err = cli(capsys, "parse", "--roster", str(roster))
    assert code == 2 and f"{roster}: not valid YAML at line 3" in one_line(err)
    good = write_config(tmp_path)
    monkeypatch.setenv("MULIN_SLA__HOLIDAYS", "[2027-02-30]")
    code, _, err = cli(capsys, "db", "upgrade", "--config", str(good))
    assert code == 2 and one_line(err) == (
        "mulin: MULIN_SLA__HOLIDAYS: not a valid value for sla.holidays:"
        " '2027-02-30' is not a real date (day is out of range for month)"
    )
    assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]


# --- 2. a password on stdin that is not UTF-8 ---------------------------------------------------


def test_a_password_on_stdin_that_is_not_utf8_is_one_line(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def admin(stdin: bytes, *args: str) -> tuple[int, str, str]:
        # what a pipe gives: text over bytes, decoded as UTF-8
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        return cli(capsys, "admin", *args, "--password-stdin", "--config", str(config))

    for args in (("add-user", "qa8", "--role", "staff"), ("passwd", "qa8")):
        code, _, err = admin(b"\xff\xfe\n", *args)
        assert code == 2 and "not UTF-8" in one_line(err), err
    assert admin("长长的密码-12345\n".encode(), "add-user", "qa8", "--role", "staff")[0] == 0
    assert admin(b"\xff\xfe\n", "passwd", "qa8")[0] == 2
    assert "qa8" in cli(capsys, "admin", "list", "--config", str(config))[1]


# --- 4. restoring a file that is not a whole mulin backup ---------------------------------------


def test_restore_refuses_damaged_and_foreign_files(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "good.db"
    assert cli(capsys, "db", "backup", "--config", str(config), "--output", str(backup))[0] == 0
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(backup.read_bytes()[:8000])
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE x (a)")
    newer = tmp_path / "newer.db"
    newer.write_bytes(backup.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    cases = [(truncated, "damaged"), (foreign, "not a mulin database"), (newer, "f00dfeedbeef")]
    for path, words in cases:
        for force in (("--force",), ()):
            args = ("db", "restore", "--config", str(config), "--input", str(path), *force)
            code, _, err = cli(capsys, *args)
            assert code == 2 and words in one_line(err) and str(path) in err
            assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]
    # a real backup still goes back with --force
    args = ("db", "restore", "--config", str(config), "--input", str(backup), "--force")
    assert cli(capsys, *args)[0] == 0
    assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]


# --- 5. output paths that cannot be written -----------------------------------------------------


def unwritable(tmp_path: Path, name: str) -> list[Path]:
    under_a_file = tmp_path / "config.yaml" / name  # "Not a directory"
    return [Path("/proc") / name, under_a_file] if PROC.exists() else [under_a_file]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (("db", "backup"), "x.db"),
        (("privacy", "export", "--openid", RESIDENT), "x.json"),
        (("privacy", "export", "--openid", RESIDENT), "x.xlsx"),
    ],
)
def test_unwritable_output_is_one_line_naming_it(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    name: str,
) -> None:
    for output in unwritable(tmp_path, name):
        code, out, err = cli(capsys, *command, "--config", str(config), "--output", str(output))
        assert code == 2 and out == ""
        assert one_line(err).startswith(f"mulin: --output: cannot write {output}: ")
    assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]
    with sqlite3.connect(tmp_path / "m.db") as db:  # no export recorded that was not written
        assert db.execute("SELECT count(*) FROM privacy_records").fetchone()[0] == 0


@pytest.mark.slow
def test_an_unwritable_report_is_one_line(config: Path, tmp_path: Path) -> None:
    """Found from outside: openpyxl's half-written sheets added "Exception ignored" traces."""
    for output in unwritable(tmp_path, "x.xlsx"):
        args = ("report", "monthly", "--month", "2026-11", "--config", str(config))
        result = mulin(*args, "--output", str(output))
        assert result.returncode == 2
        assert one_line(result.stderr).startswith(f"mulin: --output: cannot write {output}: ")


# --- 6. a database file that is not a database --------------------------------------------------


@pytest.mark.slow
def test_serve_and_parse_say_a_corrupt_database_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "m.db").write_bytes(b"this is not a database" * 100)
    cfg = write_config(tmp_path)
    upgrade = mulin("db", "upgrade", "--config", str(cfg))
    assert upgrade.returncode == 1
    said = one_line(upgrade.stderr)
    for args, stdin in (
        (("serve", "--port", "0"), ""),
        # a worker, or an operator who migrates separately: no traceback on every tick
        (("serve", "--port", "0", "--no-migrate"), ""),
        (("parse",), '{"text": "门锁坏了"}\n'),
    ):
        result = mulin(*args, "--config", str(cfg), stdin=stdin)
        assert result.returncode == 1 and one_line(result.stderr) == said, result.stderr
    assert (tmp_path / "m.db").read_bytes() == b"this is not a database" * 100


@pytest.mark.slow
def test_serve_without_migrating_refuses_a_database_that_was_never_upgraded(
    tmp_path: Path,
) -> None:
    cfg = write_config(tmp_path)
    result = mulin("serve", "--port", "0", "--no-migrate", "--config", str(cfg))
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "no mulin schema" in line and "mulin db upgrade" in line, result.stderr


# --- 7. --output naming the live database -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("report", "monthly", "--month", "2026-11"),
        ("privacy", "export", "--openid", RESIDENT),
        ("db", "backup"),
    ],
)
def test_output_onto_the_live_database_is_refused(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    live = tmp_path / "m.db"
    link = tmp_path / "link.db"
    link.symlink_to(live)
    for output in (live, link, tmp_path / "m.db-wal"):
        code, out, err = cli(capsys, *command, "--config", str(config), "--output", str(output))
        assert code == 2 and out == ""
        assert one_line(err) == f"mulin: --output: {output} is the database itself"
        assert residents(tmp_path) == [(RESIDENT, "1960-02-29")]
