"""A faithful fake of the WeChat Official Account API, for tests, benchmarks and ``mulin demo``.

It speaks WeChat's JSON shapes and error codes for the endpoints the service uses:
- ``GET /cgi-bin/token`` and ``POST /cgi-bin/stable_token``: tokens live 7,200 s (by the injected
  clock); issuing a new one through ``/token`` (or stable_token with ``force_refresh``) retires
  the previous one after a 300 s grace; stable_token otherwise returns the current token.
- ``POST /cgi-bin/message/custom/send``: 48-hour window and 5-message limit for users whose last
  interaction is known (45015 / 45047), 45015 for unfollowed users.
- ``POST /cgi-bin/message/template/send``: fields ≤ 20 characters (47003), 43004 for unfollowed
  users, ``client_msg_id`` honoured (a repeated id is answered with the first msgid, not resent).
- ``GET /cgi-bin/media/get``: the temporary media a user sent (a photo), as WeChat answers it —
  the file with its Content-Type and Content-disposition; JSON 40007 (as text/plain) for an id
  it never issued or one past its 3 days (media.py).
- ``POST /cgi-bin/menu/create``, ``GET /cgi-bin/menu/get``, ``GET /cgi-bin/user/info``.
Inspection and fault injection: ``GET /_fake/messages?touser=``, ``GET /_fake/stats``,
``POST|DELETE /_fake/faults``, ``POST /_fake/users``, ``POST /_fake/media`` (a user sends a
file: the media id for the message), ``POST /_fake/reset`` — or the same through the
``FakeWeChat`` object (``app[FAKE_WECHAT]``, its ``media.issue()``).

Run standalone: ``python -m bot.sandbox.fake_wechat --port 9100``.
"""

from bot.sandbox.fake_wechat.app import FAKE_WECHAT, create_app
from bot.sandbox.fake_wechat.state import (
    FAULT_KINDS,
    LOSE_ANSWER,
    FakeUser,
    FakeWeChat,
    Fault,
    SentMessage,
)

__all__ = [
    "FAKE_WECHAT",
    "FAULT_KINDS",
    "LOSE_ANSWER",
    "FakeUser",
    "FakeWeChat",
    "Fault",
    "SentMessage",
    "create_app",
]
