"""First advice for an emergency that is more than its one kind of danger: someone hurt beside
it, a collapse beside leaking gas, a pan of burning oil, a burning gas cylinder or pipe, people
trapped by a fire. The reply layer (handlers/safety.py) picks them. Part of bot.texts
(re-exported there; import bot.texts)."""

# Someone hurt or unwell beside another danger (a falling flowerpot hit someone, a heart
# complaint in a stuck lift): the danger's own numbers do not bring an ambulance.
HURT_TOO_ADVICE = "有人受伤或身体不舒服，120也要打，打电话时说清楚人在哪、是什么情况。"
# Someone fell or jumped from a height (楼上有人跳楼了): the police come as well as the ambulance.
FELL_FROM_HEIGHT_ADVICE = "有人从高处坠落，也请拨打110，保护好现场。"
# A collapse beside leaking gas (热水器漏气，我妈晕倒了) is gas poisoning: fresh air first, the
# opposite of the fall's "do not move them". Said before any number (to call from outside).
GAS_COLLAPSE_ADVICE = (
    "可能是煤气中毒：请马上打开门窗通风，不要开关电灯电器、不要点火，也不要在屋里打电话；"
    "能安全进去的话，把晕倒的人抬到空气新鲜的地方，解开衣领；到室外后马上拨打119和120。"
)
# Oil burning in a pan: water makes it explode; a lid smothers it. Said before the number.
PAN_FIRE_ADVICE = (
    "锅里的油着火：马上关火，用锅盖或湿毛巾盖住锅口，千万不要往锅里泼水；"
    "盖不灭或烧到别处，马上离开厨房、关上门，到外面拨打119。"
)
# A gas cylinder or pipe already burning: "don't light a flame" is too late; shutting the valve
# puts it out. Said before the number.
CYLINDER_FIRE_ADVICE = (
    "煤气罐或燃气管着火：能安全靠近的话，用湿毛巾裹住手关紧阀门，火会自己熄灭；"
    "关不上或火很大，马上带家人离开，不要搬动罐子，边走边提醒邻居，到安全的地方拨打119。"
)
# People trapped above or beside a fire: what keeps them alive until the ladder comes.
TRAPPED_BY_FIRE_ADVICE = (
    "被火困住的人不要往烟里冲，也不要跳楼、乘电梯：关紧房门，用湿毛巾或湿布堵住门缝、捂住口鼻，"
    "到窗口或阳台挥动颜色鲜艳的衣物呼救，等消防员来；能联系上被困的人，就这样告诉他们。"
)
# A child fallen into a manhole or a pit: the air down there may be poison, so nobody climbs in
# after them (the child's own advice, "bring them away from the danger", would send them down).
CHILD_IN_HOLE_ADVICE = (
    "不要下井或探身进去拉孩子，井下可能有有毒气体；守在井口跟孩子说话，让他别乱动，"
    "拦住旁人别靠近井口，等消防员来救。"
)

# --- where an emergency without a door is (a lift, a stairwell, outdoors) -------------------
URGENT_ASK_BUILDING = "\n请告诉我们具体在哪栋楼几单元，比如“3栋2单元”，我们好马上找到。"
UNIT_MORE_WELCOME = "\n知道是几单元的话也告诉我们，比如“2单元”。"
