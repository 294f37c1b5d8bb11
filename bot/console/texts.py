"""Every word the community office reads in the console (the pages' own words are in the
templates under bot/console/templates; messages, labels and names live here)."""

from __future__ import annotations

TITLE = "睦邻 · 社区工作台"
ROLE_NAMES = {
    "admin": "管理员",
    "staff": "社区干事",
    "grid_leader": "网格长",
    "viewer": "只读（街道）",
}

# sign-in
LOGIN_WRONG = "用户名或密码不对，请再试一次。"
LOGIN_LOCKED = "登录失败次数太多，账号或本机地址已暂时锁定，请 15 分钟后再试。"
LOGIN_DISABLED = "这个账号已停用，请联系社区管理员。"
LOGIN_MISSING = "请填写用户名和密码。"
LOGIN_TOO_LONG = "用户名或密码太长了，请检查后再试。"
LOGIN_AUDIT = {"wrong": "密码错误或无此账号", "locked": "已锁定", "disabled": "账号已停用", "": ""}
LOGGED_OUT = "已退出登录。"
SESSION_EXPIRED = "登录已过期或尚未登录，请重新登录。"

# refusals (with their HTTP status)
CSRF_BAD = "页面已过期或来源不明（缺少校验码），操作没有执行。请刷新页面后再试。"
READ_ONLY = "您的账号只能查看，不能操作。"
ADMIN_ONLY = "只有管理员可以查看这个页面。"
NOT_FOUND = "没有找到这个页面或工单（也可能不在您的管辖范围内）。"
TOO_LONG = "“{field}”太长了，最多 {limit} 个字。"
REQUIRED = "请填写“{field}”。"
BAD_VALUE = "“{field}”的值不对。"
BAD_REQUEST = "请求格式不对。"
# found from outside: ?assignee=zzz gave "共 0 张工单" where a bad status is explained
UNKNOWN_RESIDENT = "没有找到这位居民，请从“居民”页面点进来。"
UNKNOWN_ASSIGNEE = "没有编号为“{key}”的成员，请在“处理人”里选择。"
SERVER_ERROR = "系统出了点问题，操作可能没有完成，请稍后再试。"
TOO_LARGE = "提交的内容太大了。"

# board
STATUS_GROUPS = {
    "waiting": "待接单",
    "working": "办理中",
    "overdue": "已超时",
    "urgent": "紧急",
    "survey": "待回访",
}
SORTS = {"new": "最新", "old": "最早", "updated": "最近更新", "urgent": "紧急优先"}
ANY = "全部"
URGENT = "紧急"
OVERDUE = "超时"
REOPENED = "重办"
NOBODY = "未派"

# order page
DONE = {
    "assign": "已改派给 {name}。",
    "note": "已添加内部备注。",
    "message": "留言已发给居民。",
    "escalate": "已吹哨上报。",
    "resolve": "已办结，已通知居民。",
    "reopen": "已重办。",
    "cancel": "工单已取消。",
    "edit": "已更正。",
    "merge": "已并入 #{into}。",
}
FLASH = {
    "assign": "已改派，新的处理人会收到推送。",
    "note": "已添加内部备注（居民看不到）。",
    "message": "留言已排队发给居民。",
    "escalate": "已吹哨上报，网格长和社区干事会收到通知。",
    "resolve": "已办结，已通知居民并请其评价。",
    "reopen": "已重办并重新派单。",
    "cancel": "工单已取消。",
    "edit": "已更正。",
    "merge": "已合并，居民会收到通知。",
}
FIELDS = {
    "text": "内容",
    "reason": "原因",
    "member": "处理人",
    "category": "类别",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "into": "并入的单号",
    "version": "版本",
    # the three lists
    "title": "名称",
    "owner": "负责单位",
    "person": "负责人",
    "budget": "预算",
    "demand_ids": "关联需求",
    "resource_ids": "关联资源",
    "milestones": "节点",
    "partner": "共建单位",
    "kind": "类型",
    "contact": "联系方式",
    "description": "说明",
    "amount": "金额",
    "orders": "工单",
    "pick": "需求",
    "status": "状态",
}
OUTBOX_STATES = {
    "pending": "排队中",
    "sending": "发送中",
    "sent": "已送达",
    "failed": "发送失败（将重试）",
    "undeliverable": "无法送达",
    "unconfirmed": "结果未知",
}
CHANNELS = {"custom": "客服消息", "template": "模板消息"}
ACTORS = {"system": "系统", "resident": "居民", "member": "成员", "console": "工作台"}
SLA_LEFT = "还剩 {left}"
SLA_PAST = "已超过 {left}"
SLA_NONE = "—"
FLASH_NAMES = {
    "assign": "改派",
    "note": "内部备注",
    "message": "给居民留言",
    "escalate": "吹哨上报",
    "resolve": "办结",
    "reopen": "重办",
    "cancel": "取消工单",
    "edit": "更正",
    "merge": "合并",
}
AUDIT_ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "duty": "切换上岗",
    # from the command line (mulin admin …) and the invite links
    "user_added": "添加账号",
    "password_set": "设置密码",
    "user_disabled": "停用账号",
    "invite_created": "发出邀请",
    "invite_accepted": "接受邀请",
    # the three lists
    "lists_confirm": "确认需求",
    "lists_rename": "需求改名",
    "lists_promote": "需求转为项目",
    "lists_resource": "修改资源",
    "lists_project": "修改项目",
    "lists_report_back": "项目回告居民",
    "lists_import": "导入清单",
}
# why a push did not go out (bot/console/push_problems.py reads the outbox's reasons)
PUSH_PROBLEMS = {
    "does not follow the account": "居民已取消关注公众号",
    "never wrote to the account": "对方从没给公众号发过消息，不能直接回复",
    "outside the 48-hour window": "已超过 48 小时回复时限",
    "customer-service messages already sent": "48 小时内可发的回复条数已用完",
    "no template configured": "没有配置模板消息，超时后无法通知",
    "no template fields": "这条消息没有模板内容，超时后无法通知",
    "no text or news": "消息内容为空",
}
PUSH_ERROR_CODES = {
    "43004": "对方未关注公众号",
    "45015": "已超过 48 小时回复时限",
    "45009": "今天的微信接口次数已用完，明天再发",
    "40003": "微信用户标识不对",
    "40037": "模板编号不对，请检查模板配置",
    "45047": "48 小时内可发的回复条数已用完",
}
PUSH_WECHAT_ERROR = "微信接口报错"
PUSH_UNKNOWN = "发送失败"
# why a photo is not shown (the reason's key is what bot/media/fetch.py records)
PHOTO_PROBLEMS = {
    "expired": "没能取回：微信只保存 3 天，已过期",
    "invalid_media": "没能取回：微信说没有这张图片",
    "too_large": "没有保存：文件太大",
    "not_image": "没有保存：这不是图片文件",
    "transient": "暂时没取回，稍后会再试",
    "quota": "暂时没取回（接口次数用完），明天再试",
}
# one-time invites for grid leaders (bot/console/invites.py's codes)
INVITE_ERRORS = {
    "no_public_url": "没有配置工作台的外网地址（server.public_url），邀请链接无法生成。请管理员先在配置里填写。",
    "not_grid_leader": "只能邀请花名册上的网格长。",
    "no_grid": "花名册上没有写这位网格长负责哪个网格。",
    "which_grid": "这位网格长负责几个网格，请选择要开通的网格。",
    "not_their_grid": "这位网格长不负责这个网格。",
    "no_wechat": "这位成员还没有绑定微信，邀请链接发不过去。请先让他用邀请码绑定微信。",
    "has_account": "这位成员已经有工作台账号（{username}）了。",
    "unknown": "这个邀请链接不对，可能抄错了。请直接点开微信里收到的链接，或联系社区重新邀请。",
    "used": "这个邀请链接已经用过了（每个链接只能用一次）。账号如果是您本人开通的，请直接登录；否则请联系社区管理员。",
    "expired": "这个邀请链接已经过期了。请联系社区管理员重新发送邀请。",
    "revoked": "这个邀请链接已经作废（社区发了新的邀请，或名单有变动）。请使用最新收到的链接，或联系社区管理员。",
    "bad_username": "用户名要 2 到 32 个字，只能用汉字、字母、数字和 _ . -。",
    "username_taken": "用户名“{username}”已经有人用了，请换一个。",
    "bad_password": "密码要 8 到 256 个字符。",
    "password_mismatch": "两次输入的密码不一样，请重新输入。",
}
INVITE_STAFF_ONLY = "只有管理员和社区干事可以发送开通邀请。"
INVITE_SENT = "邀请链接已发到 {name} 的微信，{hours} 小时内有效。"
INVITE_DONE = "账号已开通，请用刚设置的密码登录。"
# the kind of danger the parser read (bot.intake.danger.HAZARDS), on the order page
HAZARD_NAMES = {
    "fire": "火情",
    "gas": "燃气泄漏",
    "electric": "触电或电气危险",
    "flood": "漏水浸水",
    "structure": "坠物或倒塌",
    "medical": "急病或受伤",
    "lift": "电梯困人",
    "trapped": "有人被困",
    "child": "儿童安全",
    "missing": "有人走失",
    "welfare": "独居或联系不上",
    "violence": "暴力或治安",
    "self_harm": "自伤轻生",
    "drowning": "溺水",
    "animal": "动物伤人",
}
ON_DUTY = "在岗"
OFF_DUTY = "下岗"
FLASH_DUTY = {"on": "已设为在岗。", "off": "已设为下岗，暂不派新单。"}

# The pages' own words: headings, labels, buttons, placeholders (templates read them as ``w``).
W = {
    "brand": "睦邻 · 社区工作台",
    "nav_board": "工单看板",
    "nav_members": "成员",
    "nav_residents": "居民",
    "nav_audit": "操作记录",
    "nav_lists": "三大清单",
    "logout": "退出",
    "login": "登录",
    "login_title": "社区工作台登录",
    "username": "用户名",
    "password": "密码",
    "go_login": "去登录",
    "back_to_board": "回到工单看板",
    "back": "← 工单看板",
    "search": "单号、地址、内容或电话",
    "status": "状态",
    "all_statuses": "全部状态",
    "category": "类别",
    "all_categories": "全部类别",
    "grid": "网格",
    "all_grids": "全部网格",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "assignee": "处理人",
    "all_assignees": "全部处理人",
    "urgent": "紧急",
    "overdue": "超时",
    "date_from": "从",
    "date_to": "到",
    "sort": "排序",
    "filter": "筛选",
    "clear": "清除",
    "total": "共 {n} 张工单",
    "capped": "超过 1000 张工单，请加筛选条件缩小范围",
    "page_of": "，第 {page}/{pages} 页",
    "no_orders": "没有符合条件的工单。",
    "prev": "上一页",
    "next": "下一页",
    "order_no": "工单 #{n}",
    "merged_into": "已并入",
    "summary": "摘要",
    "address": "地址",
    "no_address": "未提供",
    "phone": "电话",
    "preferred": "希望上门",
    "danger": "危险",
    "danger_urgent": "紧急",
    "danger_possible": "可能有危险",
    "resident": "居民",
    "followers": "，另有 {n} 位邻居反映同一问题",
    "received_at": "受理时间",
    "accept_by": "接单时限",
    "resolve_by": "办结时限",
    "resolved_at": "办结时间",
    # a reopened order (重办): what it had before it was done again
    "resolved_before": "上次办结时间",
    "rating_before": "上次评价",
    "rating": "评价",
    "score": "{n} 分",
    "unsatisfied": "（不满意）",
    "not_rated": "尚未评价",
    "act": "处理",
    "assign_to": "改派给",
    "suggested": "建议：{name}",
    "suggestion": "派单建议：{reason}",
    "assign_reason": "原因（可不填）",
    "assign_off_duty": "仍然派给下岗成员",
    "assign": "改派",
    "note_here": "内部备注（居民看不到）",
    "note": "添加备注",
    "message_here": "给居民留言（通过公众号发送）",
    "message": "发给居民",
    "resolve_here": "办结说明",
    "resolve": "办结",
    "escalate_here": "吹哨原因",
    "escalate": "吹哨上报",
    "cancel_here": "取消原因",
    "cancel": "取消工单",
    "merge_here": "并入的单号",
    "merge": "合并重复工单",
    "redispatch": "更正后重新派单",
    "edit": "更正",
    "reopen_here": "重办原因",
    "reopen": "重办",
    "timeline": "处理经过",
    "image": "图片",
    "place": "位置",
    "attachments": "图片和位置",
    "photo_alt": "居民 {at} 发的图片",
    "photo_pending": "正在从微信取回图片…",
    "photo_size": "{w}×{h}，{kb} KB",
    "lat_lon": "纬度 {lat:.5f}，经度 {lon:.5f}",
    "open_map": "在地图中打开",
    "pushes": "推送记录",
    "time": "时间",
    "to": "发给",
    "channel": "方式",
    "content": "内容",
    "no_pushes": "暂无推送。",
    "members": "社区成员",
    "key": "编号",
    "name": "姓名",
    "roles": "角色",
    "wechat": "微信",
    "holding": "手上工单",
    "bound": "已绑定",
    "invite": "邀请码",
    "unbound": "未绑定",
    "set_off": "设为下岗",
    "set_on": "设为在岗",
    "residents": "居民",
    "openid": "微信号",
    "called": "称呼",
    "home": "登记地址",
    "tags": "标签",
    "no_home": "未登记",
    "their_orders": "TA 的工单",
    "one_resident": "只看这位居民的工单",
    "resident_unnamed": "居民",
    "no_residents": "还没有居民。",
    "audit": "操作记录",
    "account": "账号",
    "action": "操作",
    "target": "对象",
    "ip": "来源地址",
    "detail": "说明",
    "nav_users": "账号",
    "nav_figures": "指标",
    "users": "工作台账号",
    "users_hint": "账号用命令行管理：mulin admin add-user / passwd / disable。",
    "scope": "范围",
    "whole_community": "全社区",
    "member_link": "对应成员",
    "last_login": "上次登录",
    "active": "正常",
    "disabled": "已停用",
    "locked": "已锁定",
    "console_account": "工作台",
    "send_invite": "发送开通邀请",
    "resend_invite": "重新发送邀请",
    "invited_until": "已邀请，{until} 前有效",
    "invite_title": "开通社区工作台",
    "invite_intro": "{name}，您好。社区邀请您开通网格长账号（{grid}）。设置用户名和密码后，就可以在手机上查看和处理本网格的工单。",
    "invite_expires": "这个链接 {until} 前有效，只能用一次。",
    "new_password": "设置密码（至少 8 位）",
    "password_again": "再输一次密码",
    "create_account": "开通账号",
    "invite_gone": "邀请链接不能用了",
}
