"""Inbound XML for every message and event type, in the shapes WeChat documents."""

from __future__ import annotations

import time

ACCOUNT = "gh_test_account"


def _head(openid: str, msg_type: str, stamp: int | None = None) -> str:
    return (
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{stamp or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
    )


def samples(openid: str = "o_sample_user") -> dict[str, str]:
    """name -> XML. Messages carry distinct MsgIds; events distinct CreateTimes."""
    base = int(time.time())
    h = _head
    return {
        "text": f"<xml>{h(openid, 'text')}<Content><![CDATA[楼道灯坏了]]></Content><MsgId>1000000001</MsgId></xml>",
        "image": f"<xml>{h(openid, 'image')}<PicUrl><![CDATA[http://127.0.0.1/a.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>1000000002</MsgId></xml>",
        "voice": f"<xml>{h(openid, 'voice')}<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[电梯坏了]]></Recognition><MsgId>1000000003</MsgId></xml>",
        "video": f"<xml>{h(openid, 'video')}<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t3]]></ThumbMediaId><MsgId>1000000004</MsgId></xml>",
        "shortvideo": f"<xml>{h(openid, 'shortvideo')}<MediaId><![CDATA[m4]]></MediaId><ThumbMediaId><![CDATA[t4]]></ThumbMediaId><MsgId>1000000005</MsgId></xml>",
        "location": f"<xml>{h(openid, 'location')}<Location_X>30.59</Location_X><Location_Y>114.30</Location_Y><Scale>15</Scale><Label><![CDATA[青和居社区]]></Label><MsgId>1000000006</MsgId></xml>",
        "link": f"<xml>{h(openid, 'link')}<Title><![CDATA[通知]]></Title><Description><![CDATA[d]]></Description><Url><![CDATA[http://127.0.0.1/n]]></Url><MsgId>1000000007</MsgId></xml>",
        "subscribe": f"<xml>{h(openid, 'event', base + 1)}<Event><![CDATA[subscribe]]></Event></xml>",
        "scan": f"<xml>{h(openid, 'event', base + 3)}<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[123]]></EventKey><Ticket><![CDATA[tk]]></Ticket></xml>",
        "click": f"<xml>{h(openid, 'event', base + 4)}<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[HELP]]></EventKey></xml>",
        "view": f"<xml>{h(openid, 'event', base + 5)}<Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[http://127.0.0.1/]]></EventKey></xml>",
        "location_event": f"<xml>{h(openid, 'event', base + 6)}<Event><![CDATA[LOCATION]]></Event><Latitude>30.59</Latitude><Longitude>114.30</Longitude><Precision>50.0</Precision></xml>",
        "unsubscribe": f"<xml>{h(openid, 'event', base + 2)}<Event><![CDATA[unsubscribe]]></Event></xml>",
        "templatesendjobfinish": f"<xml>{h(openid, 'event', base + 7)}<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[success]]></Status></xml>",
    }


EXPECTED = {
    "text": ("text", None),
    "image": ("image", None),
    "voice": ("voice", None),
    "video": ("video", None),
    "shortvideo": ("shortvideo", None),
    "location": ("location", None),
    "link": ("link", None),
    "subscribe": ("event", "subscribe"),
    "scan": ("event", "scan"),
    "click": ("event", "click"),
    "view": ("event", "view"),
    "location_event": ("event", "location"),
    "unsubscribe": ("event", "unsubscribe"),
    "templatesendjobfinish": ("event", "templatesendjobfinish"),
}
