"""Every sentence a resident, representative or staff member reads, in one place for review.

Keep them short, warm and plain: many readers are elderly and read on a phone.
"""

from __future__ import annotations

SYSTEM_ERROR = "抱歉，系统刚才开了个小差，您的消息已经记下了，我们会尽快处理。"

WELCOME = (
    "您好，欢迎关注睦邻！\n"
    "家里有事需要帮忙，直接发文字或语音就行，比如：\n"
    "“3栋2单元501厨房水管漏水了”\n"
    "“我妈82了一个人住，能不能帮忙买点菜”\n"
    "我们会马上转给负责您这户的居民代表。发“帮助”看看还能做什么。"
)

HELP = (
    "睦邻可以帮您：\n"
    "· 报修、助老、代办、邻里纠纷、环境卫生、安全隐患等，直接说事就行\n"
    "· 发“绑定 3栋2单元501”登记您家地址\n"
    "· 发“查询”看您的工单进度\n"
    "· 发“取消 #单号”撤回工单\n"
    "遇到火情、燃气泄漏、有人受伤，请先拨打 119 / 120 / 110。"
)

RECEIVED_TEXT = "您的消息我们收到了，会尽快转给负责的同志。"
RECEIVED_IMAGE = "图片收到了。如果是要报事，请再用一句话说说是什么情况、在哪栋楼。"
RECEIVED_LOCATION = "位置收到了。请再说说需要帮什么忙。"
RECEIVED_LINK = "链接收到了，谢谢分享。"
RECEIVED_MEDIA = "收到了。如果要报事，请用文字或语音说说是什么情况。"
VOICE_UNRECOGNISED = "抱歉，这条语音没听清，麻烦您再说一遍，或者打字告诉我们。"
MENU_UNKNOWN = "这个功能还在准备中，您可以直接发文字告诉我们需要什么帮助。"
