"""What a resident reads while a question of ours is open (which address, which estate) and
about a home registered in part. Part of bot.texts (re-exported there; import bot.texts)."""

# 绑定 3栋2单元: the unit was given, only the door is missing
BOUND_NO_DOOR = (
    "地址登记好了：{place}。还差门牌号，方便的话发“绑定 {example}”这样的完整地址，"
    "负责您这户的人才能更快找到您。"
)
# 。。。 or 啊啊啊 while the address is asked: no answer, and no 跳过 either — asked on, with the
# matter that waits named
ASK_ADDRESS_STILL = (
    "还没看出地址。您说的“{summary}”还在等地址：麻烦按“3栋2单元501”这样告诉我们；"
    "不方便说的话回复“跳过”。"
)
# more about the waiting matter (热水器打不着火 after 家里没热水了): kept with it, the address asked on
DETAIL_KEPT = (
    "好的，记下了，会和这件事一起转给负责的同志。请问您家住哪栋楼、几单元、门牌号？"
    "不方便说的话回复“跳过”。"
)
# 绑定 …'s estate question still open after another message was answered
BIND_ESTATE_STILL = "\n（您要登记的地址“{place}”还没登记好：是{options}？回复小区名就行。）"
# 楼道灯坏了 answered with 1栋 alone: each unit has its own stairwell (handlers/stairwell_unit.py)
ASK_UNIT_OF_BUILDING = (
    "好的，{building}栋。请问是几单元？比如“2单元”，每个单元的楼道、电梯归不同的同志管。"
    "不清楚的话回复“跳过”。"
)
