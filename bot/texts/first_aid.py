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

# --- first aid beside the danger's own advice (outside pass 9) -------------------------------
# A burn or scald: cool water first, nothing smeared on it.
BURN_ADVICE = "烫伤、烧伤的地方马上用流动的凉水冲15到20分钟，不要涂牙膏、酱油，起的泡不要挑破。"
# Hurt in a fall and unable to move: they may have broken something.
HURT_FALL_ADVICE = "摔伤动不了的人不要随意搬动，盖上衣物保暖，等救护车来。"
# Bleeding: press on it.
BLEEDING_ADVICE = "流血的地方用干净的布或毛巾用力按住止血。"
# Someone already pulled out of the water: breathing first, no rope, no draining the water out.
OUT_OF_WATER_ADVICE = (
    "人已经救上来了：清理口鼻里的水和异物，看有没有呼吸；没有呼吸就马上做心肺复苏"
    "（在胸口正中用力快速按压，每分钟100到120次），不要倒挂控水；有呼吸就让他侧躺，"
    "脱掉湿衣服、盖上衣物保暖，一直守着等救护车。"
)
# Cut off by rising water (a flooded basement or garage): get up and away from current.
CUT_OFF_BY_WATER_ADVICE = (
    "马上往高处走（楼上、台阶或高的地方），远离电线、配电箱和泡水的电器，不要在深水里硬闯；"
    "打电话时说清楚被困在哪、有几个人。"
)
# Choking on food: the abdominal thrust.
CHOKING_ADVICE = (
    "噎住说不出话、喘不上气，马上用海姆立克法：站在他身后双手环抱他的腰，"
    "一手握拳放在肚脐上方，另一只手包住拳头，快速向里向上冲击，直到东西吐出来；"
    "人昏过去了就让他平躺，等救护车。"
)
# A stroke: the time it began matters at the hospital; nothing by mouth.
STROKE_ADVICE = (
    "可能是中风：记下发病的时间，让他躺下或靠坐着别走动，不要给他吃东西、喝水或喂药，等救护车来。"
)
# A fire outside the home (a burning car, another building): keep away, shut the smoke out.
FIRE_AWAY_ADVICE = (
    "请远离着火的地方，不要围观、不要靠近，也不要自己去扑救；关好朝着火那边的门窗，"
    "防止烟进屋；火或烟蔓延到您这栋楼，再捂住口鼻走楼梯离开，不要乘电梯。"
)
