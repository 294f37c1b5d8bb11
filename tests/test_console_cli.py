"""`mulin admin`: console accounts from the command line; the password never in argv."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from bot.cli.commands import run
from bot.console import accounts
from bot.storage.engine import create_engine, session_factory


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "config.yaml"
    db = tmp_path / "console.db"
    path.write_text(
        f'wechat: {{token: t, mode: plain}}\ndatabase: {{url: "sqlite+aiosqlite:///{db}"}}\n'
    )
    return str(path)


def admin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = run(["admin", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _signs_in(config: str, name: str, password: str) -> str:
    url = "sqlite+aiosqlite:///" + Path(config).read_text().split("///")[1].split('"')[0]

    async def check() -> str:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as s, s.begin():
                result = await accounts.sign_in(
                    s, name, password, "127.0.0.1", accounts.ACCOUNT_LOCK
                )
                return result.failure
        finally:
            await engine.dispose()

    return asyncio.run(check())


def test_accounts_from_the_command_line(
    config: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = admin(monkeypatch, capsys, "add-user", "wang", "--role", "staff",
                         "--config", config, stdin="first-password\n")  # fmt: skip
    assert code == 0 and "wang" in out
    assert _signs_in(config, "wang", "first-password") == ""
    code, _, _ = admin(monkeypatch, capsys, "passwd", "wang", "--password-stdin", "--config", config,
                       stdin="second-password\n")  # fmt: skip
    assert code == 0
    assert _signs_in(config, "wang", "first-password") == "wrong"
    assert _signs_in(config, "wang", "second-password") == ""
    code, out, _ = admin(monkeypatch, capsys, "list", "--config", config)
    assert code == 0 and "wang\tstaff" in out and "active" in out
    assert admin(monkeypatch, capsys, "disable", "wang", "--config", config)[0] == 0
    assert "disabled" in admin(monkeypatch, capsys, "list", "--config", config)[1]
    assert _signs_in(config, "wang", "second-password") == "disabled"


@pytest.mark.parametrize(
    "args,stdin,words",
    [
        (["add-user", "ab", "--role", "admin", "--password", "x12345678"], "", "--password-stdin"),
        (["add-user", "ab", "--role", "admin"], "", "no password"),
        (["add-user", "ab", "--role", "admin"], "short\n", "8 to 256"),
        (["add-user", "ab", "--role", "boss"], "long-enough-1\n", "--role"),
        (["add-user", "ab", "--role", "grid_leader"], "long-enough-1\n", "--grid"),
        (["add-user", "ab", "--role", "grid_leader", "--grid", "G9"], "long-enough-1\n", "G9"),
        (["add-user", " ", "--role", "viewer"], "long-enough-1\n", "NAME"),
        (["add-user", "ab", "--role", "viewer", "--community", "zz"], "long-enough-1\n", "zz"),
        (["passwd", "nobody"], "long-enough-1\n", "no user"),
        (["disable", "nobody"], "", "no user"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    config: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    words: str,
) -> None:
    code, _, err = admin(monkeypatch, capsys, *args, "--config", config, stdin=stdin)
    assert code == 2
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_a_name_is_taken_once(
    config: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("add-user", "li", "--role", "viewer", "--config", config)
    assert admin(monkeypatch, capsys, *args, stdin="long-enough-1\n")[0] == 0
    code, _, err = admin(monkeypatch, capsys, *args, stdin="long-enough-1\n")
    assert code == 2 and "exists" in err


TWO_COMMUNITIES = """
street: {code: dh, name: 东湖街道}
communities:
  - community: {code: qhj, name: 青和居社区}
    grids: [{code: G01, name: 第一网格, buildings: ["1"]}]
    members: [{id: a01, name: 张美丽, roles: [grid_leader], grids: [G01]}]
  - community: {code: dt, name: 东亭社区}
    grids: [{code: G01, name: 东亭一网格, buildings: ["3"]}]
    members: [{id: b01, name: 周杰, roles: [grid_leader], grids: [G01]}]
"""


def test_a_grid_code_two_communities_share_needs_the_community(
    config: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Found from outside: a grid leader of G01 added without --community on a street where
    two communities have a G01 saw both communities' orders."""
    roster = tmp_path / "street.yaml"
    roster.write_text(TWO_COMMUNITIES, encoding="utf-8")
    assert run(["roster", "import", str(roster), "--config", config]) == 0
    capsys.readouterr()
    args = ("add-user", "gx", "--role", "grid_leader", "--grid", "G01", "--config", config)
    code, _, err = admin(monkeypatch, capsys, *args, stdin="long-enough-1\n")
    assert code == 2 and "--community" in err and "qhj" in err and "dt" in err
    code, _, _ = admin(monkeypatch, capsys, *args, "--community", "dt", stdin="long-enough-1\n")
    assert code == 0
    listed = admin(monkeypatch, capsys, "list", "--config", config)[1]
    assert "gx" in listed and "dt" in listed
