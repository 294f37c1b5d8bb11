"""What a resident reads about where and which their reports went: each of several orders
from one message by its number, and an estate taken from their home that they can correct.
Part of bot.texts (re-exported there; import bot.texts)."""

SEVERAL_MARKS = ("①", "②", "③", "④", "⑤")
# ① 家里没热水：已收到，工单号 #334。已转给林志远…
SEVERAL_ITEM = "{mark} {what}：{reply}"
# 3栋1单元201 from a resident of 青和居 where 东亭 has a 3栋 too
ESTATE_FROM_HOME = (
    "\n{others}也有{building}栋，已按您家所在的{estate}登记；如果不是，请直接回复小区名。"
)
