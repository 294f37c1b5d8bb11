"""The sandbox's own street (bot/sandbox/demo_roster.yaml) in a test app: 青和居 (1–6栋) and
东亭 (3栋, 4栋) share two building numbers, as the outside testers see them in `mulin demo`."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.app import create_app
from bot.clock import FakeClock
from tests.support import make_config
from tests.test_street import START, ClientFactory, Street3

DEMO = Path(__file__).resolve().parents[1] / "bot" / "sandbox" / "demo_roster.yaml"

ZHANG, LI, WANG = "o_resident_zhang", "o_resident_li", "o_resident_wang"
ZHOU = "o_member_zhouguilan"  # 楼栋长 of 5栋 and 6栋
SUN = "o_member_sunlijuan"  # representative of 2栋1-2单元 and 3栋1单元
WANGFANG = "o_member_wangfang"  # 青和居 staff
LIN = "o_member_linzhiyuan"  # 东亭 representative of 3栋 and 4栋


async def make_demo_street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    app = create_app(make_config(db_url), clock=FakeClock(START), start_scheduler=False)
    street = Street3(await aiohttp_client(app))
    await street.import_street(yaml.safe_load(DEMO.read_text(encoding="utf-8")))
    return street
