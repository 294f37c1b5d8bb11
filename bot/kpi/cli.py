"""``mulin report monthly``: the month's workbook, with progress on a terminal (quiet when piped)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from bot.clock import Clock, SystemClock
from bot.config import Config, UsageError
from bot.kpi.load import load_facts, load_visits
from bot.kpi.period import Period
from bot.kpi.report import STEPS, MonthData, build_workbook, file_name
from bot.kpi.sheets import duty_weeks, visit_weeks
from bot.lists.scope import ListScope
from bot.lists.tables import month_tables
from bot.orders.sla import sla_of
from bot.storage.output import (
    OutputError,
    cannot_write,
    check_output,
    create,
    discard,
    partial_of,
)
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database


async def month_data(
    engine: AsyncEngine,
    config: Config,
    period: Period,
    now: datetime,
    lists: ListScope | None = None,
    grid: str | None = None,
) -> MonthData:
    """This month's and the previous month's orders, names, and the visits of the month's
    weeks; the three lists limited to ``lists`` and ``grid`` (a console account's)."""
    facts, names = await load_facts(engine, period.previous().start_utc, period.end_utc)
    weeks = visit_weeks(duty_weeks(period))  # as the sheet 网格长走访 shows them
    start = min([period.start_utc, *(w.start_utc for w in weeks)])
    end = max([period.end_utc, *(w.end_utc for w in weeks)])
    visits = await load_visits(engine, start, end)
    return MonthData(
        period=period,
        facts=facts,
        names=names,
        visits=visits,
        sla=sla_of(config),
        as_of=min(now, period.end_utc),
        generated_at=now,
        lists=await month_tables(engine, period.start_utc, period.end_utc, lists, grid),
    )


def run_report_monthly(
    config: Config,
    period: Period,
    output: str | None,
    out: TextIO,
    err: TextIO,
    clock: Clock | None = None,
) -> int:
    """0 written; 2 the output cannot be written; 1 the database failed."""
    target = Path(output) if output else Path(file_name(period))
    if target.parent and not target.parent.is_dir():
        print(f"mulin: --output: cannot write {target}: no directory {target.parent}", file=err)
        return 2
    now = (clock or SystemClock()).now().astimezone(UTC)
    partial = partial_of(target)
    try:
        # before the month is read: not the live database, and a place that can be written
        check_output(target, config.database.url)
        create(partial, target)
        data = _write_report(config, period, now, partial, err)
        partial.replace(target)  # never a half-written report under the real name
    except OutputError as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    except DATABASE_ERRORS as exc:
        if isinstance(exc, OSError) and exc.filename is not None:
            print(f"mulin: {cannot_write(target, exc)}", file=err)
            return 2
        print(failure_line(exc), file=err)
        return 1
    finally:
        discard(partial)
    count = sum(1 for o in data.facts if period.contains(o.created_at))
    print(f"{target} ({period.label}, {count} 件工单)", file=out)
    return 0


def _write_report(
    config: Config, period: Period, now: datetime, partial: Path, err: TextIO
) -> MonthData:
    """Read the month and write its workbook to ``partial``, with progress on a terminal."""
    bar = tqdm(total=STEPS + 1, desc="月报", unit="步", file=err, disable=None, leave=False)
    with bar:

        async def work(engine: AsyncEngine) -> MonthData:
            return await month_data(engine, config, period, now)

        bar.set_postfix_str("读取工单")
        data = asyncio.run(with_database(config.database.url, work))
        bar.update()

        def step(sheet: str) -> None:
            bar.set_postfix_str(sheet)
            bar.update()

        build_workbook(data, step).save(partial)
    return data


def month_arg(text: str, config: Config) -> Period:
    """``--month`` as a period in the configured time zone; a bad month, or one that has not
    started, is a UsageError naming the flag."""
    try:
        period = Period.parse_month(text, config.tz)
    except ValueError as exc:
        raise UsageError(f"--month: {exc}") from None
    if period.first > datetime.now(config.tz).date():  # as the console refuses it
        raise UsageError(f"--month: {text.strip()} has not started yet: no report for it")
    return period
