"""YAML as mulin reads it: PyYAML's safe loader, except that a value its type cannot hold —
an impossible date written without quotes (``2027-02-30``, ``birth_date: 1960-02-30``,
``2026-13-01``), or an explicitly tagged ``!!int abc`` — is a YAML error at its line, like
any other mistake in the file, instead of a ValueError from inside the loader (a traceback).

The constructors are registered on ``yaml.SafeLoader`` when this module is imported, and
``bot.config`` imports it: every ``yaml.safe_load`` in the project gets them, including the
readers that only catch ``yaml.YAMLError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import Node

_TAG = "tag:yaml.org,2002:"
# tag -> (what the value should have been, PyYAML's own constructor)
_CHECKED: dict[str, tuple[str, Callable[[SafeConstructor, Any], Any]]] = {
    "timestamp": ("a real date", SafeConstructor.construct_yaml_timestamp),
    "int": ("a whole number", SafeConstructor.construct_yaml_int),
    "float": ("a number", SafeConstructor.construct_yaml_float),
    "bool": ("true or false", SafeConstructor.construct_yaml_bool),
}


class BadScalar(ConstructorError):
    """A value its type cannot hold; ``problem`` is the one line saying which and why."""


def _checked(tag: str) -> Callable[[yaml.SafeLoader, Node], Any]:
    wanted, construct = _CHECKED[tag]

    def construct_checked(loader: yaml.SafeLoader, node: Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, AttributeError, OverflowError) as exc:
            why = f" ({exc})" if tag == "timestamp" and isinstance(exc, ValueError) else ""
            problem = f"{str(node.value)[:40]!r} is not {wanted}{why}"
            raise BadScalar(None, None, problem, node.start_mark) from None

    return construct_checked


for _name in _CHECKED:
    yaml.SafeLoader.add_constructor(_TAG + _name, _checked(_name))


def yaml_where(exc: yaml.YAMLError) -> str:
    """The tail of a one-line "not valid YAML" message: `` at line N`` and, for a value its
    type cannot hold, what is wrong with it."""
    mark = getattr(exc, "problem_mark", None)
    at = f" at line {mark.line + 1}" if mark is not None else ""
    if isinstance(exc, BadScalar):
        return f"{at}: {exc.problem}"
    return at
