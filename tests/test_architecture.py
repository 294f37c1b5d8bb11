"""The shape of the code, checked: layers, cycles, private names, sizes.

Layers, lowest first; a module may import its own layer and those below, never above:

1. pure: bot.texts, bot.clock, bot.messages, bot.intake, the order rules in bot.orders
   (lifecycle, timers, state, dispatch, permissions, calendar, holidays) and the figures
   (bot.kpi's period, worktime, facts, measure, figures, labels) — no I/O libraries;
2. storage, configuration and clients: models, bot.storage, bot.config, bot.observability,
   the WeChat API client with its tokens and errors;
3. services: the order service, notices and queries, the outbox, the roster, broadcasts,
   chat routing and conversation state;
4. edges: the webhook and inbound processing, chat handlers, ticks, the console, the
   sandbox's pieces, the application keys;
5. wiring: bot.app, the CLI and the demo, which build applications.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "models")
PURE = (
    "bot.texts",
    "bot.clock",
    "bot.messages",
    "bot.intake",
    "bot.orders.lifecycle",
    "bot.orders.tells",
    "bot.orders.timers",
    "bot.orders.state",
    "bot.orders.dispatch",
    "bot.orders.permissions",
    "bot.orders.calendar",
    "bot.orders.holidays",
    # the figures: order facts in, figures out (bot.kpi's loader and report are services)
    "bot.kpi.period",
    "bot.kpi.worktime",
    "bot.kpi.facts",
    "bot.kpi.measure",
    "bot.kpi.figures",
    "bot.kpi.labels",
    # the demand list's grouping, and the wording measure it shares with duplicates
    "bot.orders.duplicates",
    "bot.lists.demands",
    "bot.lists.money",
    # what a photo's bytes really are
    "bot.media.images",
)
LAYERS: list[tuple[int, tuple[str, ...]]] = [
    (1, PURE),
    (
        2,
        (
            "models",
            "bot.storage",
            "bot.config",
            "bot.observability",
            # clients of the outside world, used by services: the WeChat API and its tokens
            "bot.wechat.api",
            "bot.wechat.tokens",
            "bot.wechat.token_store_sql",
            "bot.wechat.errors",
            "bot.wechat.masking",
            "bot.wechat.crypto",
        ),
    ),
    (
        3,
        (
            "bot.orders",
            "bot.outbox",
            "bot.roster",
            "bot.broadcasts",
            "bot.chat",
            "bot.residents",
            "bot.figures",
            "bot.kpi",
            "bot.lists",
            "bot.privacy",
            "bot.media",
        ),
    ),
    (
        4,
        (
            "bot.wechat",
            "handlers",
            "bot.ticks",
            "bot.console",
            "bot.sandbox",
            "bot.keys",
            "bot.health",
        ),
    ),
    (5, ("bot.app", "bot.cli", "bot.sandbox.demo", "bot")),
]
IO_LIBRARIES = ("sqlalchemy", "aiohttp", "wechatpy", "redis", "asyncpg", "aiosqlite", "models")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# data tables: long by nature, not by logic
DATA_MODULES = {
    "bot.texts",
    "bot.intake.lexicon",
    "bot.intake.english_dangers",
    "bot.intake.english_words",
}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    best, length = 0, -1
    for level, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = level, len(prefix)
    return best


def _imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names, line) for every import, top-level or not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = module.split(".")
            pkg = base if path.name == "__init__.py" else base[:-1]
            target = ".".join(
                pkg[: len(pkg) - node.level + 1] + ([node.module] if node.module else [])
            )
            out.append((target, [a.name for a in node.names], node.lineno))
    return out


def _resolve(name: str, names: list[str]) -> list[str]:
    """The project modules an import statement reaches."""
    hits = [f"{name}.{n}" for n in names if f"{name}.{n}" in MODULES]
    if name in MODULES and len(hits) < len(names):
        hits.append(name)
    return hits


def test_no_import_goes_up_a_layer() -> None:
    wrong = []
    for module, path in MODULES.items():
        mine = _layer(module)
        for name, names, line in _imports(module, path):
            for target in _resolve(name, names):
                if _layer(target) > mine:
                    wrong.append(
                        f"{module}:{line} imports {target} (layer {_layer(target)} > {mine})"
                    )
    assert not wrong, "\n".join(wrong)


def test_pure_modules_do_no_io() -> None:
    wrong = []
    for module, path in MODULES.items():
        if _layer(module) != 1:
            continue
        for name, _, line in _imports(module, path):
            if name.split(".")[0] in IO_LIBRARIES:
                wrong.append(f"{module}:{line} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for name, names, _ in _imports(module, path):
            for target in _resolve(name, names):
                if target != module and not module.startswith(target + "."):
                    graph[module].add(target)
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if seen.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for node in sorted(MODULES):
        if node not in seen:
            visit(node)
    assert not cycles, "\n".join(cycles)


# aiosqlite keeps its worker thread private; the fused executor must run on it
PRIVATE_ALLOWED = {("bot.storage.sqlite_fused", "_thread")}


def test_no_private_name_is_used_across_modules() -> None:
    wrong = []
    for module, path in MODULES.items():
        for name, names, line in _imports(module, path):
            for n in names:
                if n.startswith("_") and not n.startswith("__") and name.split(".")[0] in PACKAGES:
                    wrong.append(f"{module}:{line} imports {name}.{n}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id not in ("self", "cls")
                and (module, node.attr) not in PRIVATE_ALLOWED
            ):
                wrong.append(f"{module}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_modules_and_functions_stay_small() -> None:
    wrong = []
    for module, path in MODULES.items():
        if module in DATA_MODULES:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODULE_LINES:
            wrong.append(f"{module}: {lines} lines")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    wrong.append(f"{module}.{node.name}: {length} lines")
    assert not wrong, "\n".join(wrong)
