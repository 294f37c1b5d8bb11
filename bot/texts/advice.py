"""First advice beside the emergency numbers, for the cases the kind alone does not fit: gas
already poisoning someone, an open lift shaft, a swindle, violence told by its victim, and a
possible danger of no known kind. Part of bot.texts (re-exported there; import bot.texts)."""

# Gas with people already dizzy or collapsed (热水器开着 头很晕想吐): carbon monoxide or gas
# poisoning, an ambulance as well as the fire brigade.
GAS_POISONING_ADVICE = "有人头晕、恶心或昏倒，到室外后同时拨打120。"
# A lift door open with no car behind it: the danger is to whoever walks in.
OPEN_SHAFT_ADVICE = (
    "请马上让所有人远离这扇电梯门，特别看住孩子，有条件就用东西挡在门口；"
    "立即拨打96333电梯应急救援电话或119，千万不要探头往井道里看。"
)
# Money lost to a swindle: the police, the national anti-fraud line, and what to keep.
FRAUD_ADVICE = (
    "被骗了请尽快拨打110报警，也可以拨打全国反诈专线96110；保留好转账记录和聊天记录，"
    "如刚转账，马上联系银行冻结。"
)
# A possible danger of no known kind: no number is named (paperwork never gets 119).
NO_HAZARD_ADVICE = "如果有人身危险，请直接拨打紧急电话；我们已请网格员跟进。"
# Violence told by the one it is done to (我老公又打我, 我躲在厕所里): advice for the victim,
# not the bystander's "do not step in"; 12110 takes a text message when speaking is unsafe.
VIOLENCE_VICTIM_ADVICE = (
    "请先躲到安全的地方、锁好门；能出声就拨打110，不方便说话可以发短信到12110报警。"
    "家里有人动手打您，也可以拨打妇女维权热线12338求助。"
)
