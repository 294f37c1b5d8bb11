"""Routing inbound messages to handlers, in the spirit of aiogram 3.

A feature is a ``Router``; routers are included into the ``Dispatcher`` in priority order.
A handler is registered with filters; a filter returns ``False`` to pass, ``True`` to match, or a
dict to match *and* hand values to the handler. Handler arguments are injected by name from the
unit-of-work data (``message``, ``session``, ``clock``, ``config``, …) plus filter results.
Middlewares wrap the whole handling of one event (the unit of work lives in one).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.messages import Incoming, Reply

HandlerResult = Reply | str | None
Handler = Callable[..., Awaitable[HandlerResult]]
FilterResult = bool | dict[str, Any]
Filter = Callable[[Incoming, dict[str, Any]], FilterResult | Awaitable[FilterResult]]
Next = Callable[[Incoming, dict[str, Any]], Awaitable[Reply | None]]
Middleware = Callable[[Next, Incoming, dict[str, Any]], Awaitable[Reply | None]]
H = TypeVar("H", bound=Handler)


@dataclass
class _Registered:
    callback: Handler
    filters: tuple[Filter, ...]
    kind: str  # "message" or "event"
    params: frozenset[str] = field(default_factory=frozenset)
    required: frozenset[str] = field(default_factory=frozenset)
    takes_kwargs: bool = False

    def __post_init__(self) -> None:
        sig = inspect.signature(self.callback)
        named = [
            p
            for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        self.params = frozenset(p.name for p in named)
        self.required = frozenset(p.name for p in named if p.default is p.empty)
        self.takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())

    async def call(self, data: dict[str, Any]) -> HandlerResult:
        if self.takes_kwargs:
            return await self.callback(**data)
        missing = [p for p in self.required if p not in data]
        if missing:
            raise TypeError(f"{self.callback.__qualname__}: nothing to inject for {missing}")
        return await self.callback(**{name: data[name] for name in self.params if name in data})


class Router:
    # Bumped whenever any router gains a handler or a child: the dispatcher's flattened list
    # of handlers (walked for every message) is rebuilt only then.
    changes = 0

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[_Registered] = []
        self._children: list[Router] = []

    def message(self, *filters: Filter) -> Callable[[H], H]:
        """Register a handler for user messages (text, voice, image, location, ...)."""
        return self._register("message", filters)

    def event(self, *filters: Filter) -> Callable[[H], H]:
        """Register a handler for events (subscribe, CLICK, LOCATION, ...)."""
        return self._register("event", filters)

    def _register(self, kind: str, filters: tuple[Filter, ...]) -> Callable[[H], H]:
        def deco(callback: H) -> H:
            self._handlers.append(_Registered(callback, filters, kind))
            Router.changes += 1
            return callback

        return deco

    def include_router(self, router: Router) -> Router:
        if router is self:
            raise ValueError("a router cannot include itself")
        self._children.append(router)
        Router.changes += 1
        return router

    def walk(self) -> list[_Registered]:
        found = list(self._handlers)
        for child in self._children:
            found.extend(child.walk())
        return found


class Dispatcher(Router):
    def __init__(self) -> None:
        super().__init__("root")
        self._middlewares: list[Middleware] = []
        self._flat: tuple[int, dict[str, list[_Registered]]] = (-1, {})

    def _handlers_for(self, kind: str) -> list[_Registered]:
        """The handlers of ``kind`` in priority order (flattened once, not per message)."""
        changes, flat = self._flat
        if changes != Router.changes:
            flat = {k: [h for h in self.walk() if h.kind == k] for k in ("message", "event")}
            self._flat = (Router.changes, flat)
        return flat.get(kind, [])

    def middleware(self, mw: Middleware) -> Middleware:
        """Add an outer middleware; the first added runs outermost."""
        self._middlewares.append(mw)
        return mw

    async def feed(self, message: Incoming, **data: Any) -> Reply | None:
        data.setdefault("message", message)
        call: Next = self._route
        for mw in reversed(self._middlewares):
            call = _bind(mw, call)
        return await call(message, data)

    async def _route(self, message: Incoming, data: dict[str, Any]) -> Reply | None:
        kind = "event" if message.msg_type == "event" else "message"
        for handler in self._handlers_for(kind):
            extra: dict[str, Any] = {}
            for flt in handler.filters:
                result = flt(message, data | extra if extra else data)
                # most filters answer at once (a bool, a dict): only await what is awaitable
                if (
                    result is not True
                    and result is not False
                    and not isinstance(result, dict)
                    and inspect.isawaitable(result)
                ):
                    result = await result
                if result is False or result is None:
                    break
                if isinstance(result, dict):
                    extra.update(result)
            else:
                answer = await handler.call(data | extra)
                if isinstance(answer, str):
                    return Reply(text=answer)
                return answer
        return None


def _bind(mw: Middleware, nxt: Next) -> Next:
    async def call(message: Incoming, data: dict[str, Any]) -> Reply | None:
        return await mw(nxt, message, data)

    return call
