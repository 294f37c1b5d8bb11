"""Found from outside (pass 7): `--password` was taken as a prefix of `--password-stdin`, any
username was accepted (500 characters, HTML), and a bad `--host` was found only after the
database was migrated, as exit 1 without naming the flag."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.commands import run
from tests.test_cli import write_config
from tests.test_cli_bad_input import one_line


def cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [("add-user", "xu", "--role", "admin"), ("passwd", "xu")])
@pytest.mark.parametrize("flag", [("--password", "mypw12345"), ("--password=mypw12345",)])
def test_a_password_as_an_argument_is_refused_with_the_way_to_give_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    flag: tuple[str, ...],
) -> None:
    cfg = str(write_config(tmp_path))
    code, _, err = cli(monkeypatch, capsys, "admin", *command, *flag, "--config", cfg)
    line = one_line(err)
    assert code == 2
    assert "--password is not accepted" in line and "--password-stdin" in line, line
    assert "mypw12345" not in line  # the password is not echoed back


def test_flags_are_not_guessed_from_a_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    code, _, err = cli(monkeypatch, capsys, "roster", "export", "--form", "csv", "--config", cfg)
    assert code == 2 and "--form" in one_line(err)


@pytest.mark.parametrize("name", ["<b>x</b>", "x" * 500, "a b", "x"])
def test_an_impossible_username_is_refused_naming_the_argument(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    cfg = str(write_config(tmp_path))
    args = ("admin", "add-user", name, "--role", "viewer", "--password-stdin", "--config", cfg)
    code, _, err = cli(monkeypatch, capsys, *args, stdin="long-enough-1\n")
    assert code == 2 and "NAME" in one_line(err) and "2 to 32" in err, err
    listed = cli(monkeypatch, capsys, "admin", "list", "--config", cfg)[1]
    assert name not in listed


def test_an_ordinary_username_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    for name in ("wang.fang", "王芳", "li-2"):
        args = ("admin", "add-user", name, "--role", "viewer", "--config", cfg)
        assert cli(monkeypatch, capsys, *args, stdin="long-enough-1\n")[0] == 0
    listed = cli(monkeypatch, capsys, "admin", "list", "--config", cfg)[1]
    assert all(name in listed for name in ("wang.fang", "王芳", "li-2"))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_host_that_cannot_be_resolved_is_refused_before_migrating(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workers: str,
) -> None:
    cfg = str(write_config(tmp_path))
    args = ("serve", "--config", cfg, "--host", "999.1.1.1", "--port", "0", "--workers", workers)
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 2
    assert one_line(err) == "mulin: --host: cannot resolve '999.1.1.1'"
    assert not (tmp_path / "m.db").exists()  # nothing was migrated


def test_a_bad_host_in_the_configuration_names_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path, "server: {host: 300.0.0.1}\n"))
    code, _, err = cli(monkeypatch, capsys, "serve", "--config", cfg, "--port", "0")
    assert code == 2 and one_line(err) == "mulin: server.host: cannot resolve '300.0.0.1'"
    assert not (tmp_path / "m.db").exists()


def test_no_monthly_report_for_a_month_not_yet_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from outside (30): the console downloaded an empty workbook for 2030-01."""
    cfg = str(write_config(tmp_path))
    output = tmp_path / "r.xlsx"
    args = ("report", "monthly", "--month", "2199-01", "--output", str(output), "--config", cfg)
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 2 and "--month: 2199-01 has not started" in one_line(err)
    assert not output.exists()
