"""Corpus helpers shared by the training, evaluation and corpus-check scripts.

Pure functions apart from :func:`load_jsonl`; nothing here is used at parse time.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FIELDS = ("intent", "category", "urgent", "address", "phones", "preferred_time")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a corpus file; lines that are not JSON objects are skipped."""
    out: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                out.append(record)
    return out


def split_of(record_id: str) -> str:
    """Deterministic 70/15/15 train/dev/test split by a hash of the id."""
    bucket = int(hashlib.sha1(record_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < 70:
        return "train"
    return "dev" if bucket < 85 else "test"


def record_now(record: dict[str, Any]) -> datetime | None:
    raw = record.get("now")
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def _norm_time(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    for key in ("start", "end"):
        raw = value.get(key)
        try:
            out[key] = datetime.fromisoformat(raw).isoformat() if isinstance(raw, str) else raw
        except ValueError:
            out[key] = raw
    return out


def field_equal(name: str, expected: Any, got: Any) -> bool:
    if name == "preferred_time":
        return bool(_norm_time(expected) == _norm_time(got))
    return bool(expected == got)


@dataclass
class Metrics:
    n: int = 0
    intent_ok: int = 0
    category_ok: int = 0
    category_n: int = 0
    # Orders labelled with the other categories an office could file them under (``also``):
    # the acceptance sets score a category as right when it is any of them.
    category_any_ok: int = 0
    category_any_n: int = 0
    urgent_tp: int = 0
    urgent_fp: int = 0
    urgent_fn: int = 0
    address_ok: int = 0
    phones_ok: int = 0
    time_ok: int = 0
    intent_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    category_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, expect: dict[str, Any], got: dict[str, Any]) -> None:
        self.n += 1
        self.intent_ok += expect.get("intent") == got.get("intent")
        self.intent_confusion[(str(expect.get("intent")), str(got.get("intent")))] += 1
        if expect.get("intent") == "order":
            self.category_n += 1
            self.category_ok += expect.get("category") == got.get("category")
            self.category_confusion[(str(expect.get("category")), str(got.get("category")))] += 1
            if isinstance(expect.get("also"), list):
                self.category_any_n += 1
                self.category_any_ok += got.get("category") in [
                    expect.get("category"),
                    *expect["also"],
                ]
        e_urgent, g_urgent = bool(expect.get("urgent")), bool(got.get("urgent"))
        self.urgent_tp += e_urgent and g_urgent
        self.urgent_fp += g_urgent and not e_urgent
        self.urgent_fn += e_urgent and not g_urgent
        self.address_ok += field_equal("address", expect.get("address"), got.get("address"))
        self.phones_ok += field_equal("phones", expect.get("phones", []), got.get("phones"))
        self.time_ok += field_equal(
            "preferred_time", expect.get("preferred_time"), got.get("preferred_time")
        )

    def summary(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 1.0

        return {
            "n": float(self.n),
            "intent_acc": ratio(self.intent_ok, self.n),
            "category_acc": ratio(self.category_ok, self.category_n),
            "category_any": ratio(self.category_any_ok, self.category_any_n),
            "category_any_n": float(self.category_any_n),
            "urgent_precision": ratio(self.urgent_tp, self.urgent_tp + self.urgent_fp),
            "urgent_recall": ratio(self.urgent_tp, self.urgent_tp + self.urgent_fn),
            "address_exact": ratio(self.address_ok, self.n),
            "phones_exact": ratio(self.phones_ok, self.n),
            "preferred_time_exact": ratio(self.time_ok, self.n),
        }

    def format(self, title: str) -> str:
        s = self.summary()
        lines = [
            f"== {title}: {self.n} messages",
            f"  intent acc          {s['intent_acc']:.3f}",
            f"  category acc        {s['category_acc']:.3f}  (over {self.category_n} orders)",
            *(
                [
                    f"  category, any acceptable {s['category_any']:.3f}"
                    f"  (over {self.category_any_n} orders labelled with alternatives)"
                ]
                if self.category_any_n
                else []
            ),
            f"  urgent precision    {s['urgent_precision']:.3f}"
            f"  recall {s['urgent_recall']:.3f}"
            f"  (tp {self.urgent_tp}, fp {self.urgent_fp}, fn {self.urgent_fn})",
            f"  address exact       {s['address_exact']:.3f}",
            f"  phones exact        {s['phones_exact']:.3f}",
            f"  preferred_time exact {s['preferred_time_exact']:.3f}",
        ]
        return "\n".join(lines)


def confusion_table(confusion: Counter[tuple[str, str]], labels: Sequence[str]) -> str:
    """A plain-text confusion matrix (rows: expected, columns: predicted)."""
    extra = sorted({k for pair in confusion for k in pair} - set(labels))
    names = [*labels, *extra]
    short = [name[:6] for name in names]
    width = max(len(n) for n in names) + 1
    header = " " * width + " ".join(f"{s:>6}" for s in short)
    rows = [header]
    for exp in names:
        counts = [confusion.get((exp, got), 0) for got in names]
        if not any(counts):
            continue
        rows.append(f"{exp:<{width}}" + " ".join(f"{c:>6}" for c in counts))
    return "\n".join(rows)


def failures(expect: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Names of the fields that differ."""
    bad: list[str] = []
    for name in FIELDS:
        default: Any = [] if name == "phones" else None
        if name == "urgent":
            default = False
        if not field_equal(name, expect.get(name, default), got.get(name)):
            bad.append(name)
    return bad


def records_in(paths: Iterable[Path]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in paths:
        out.extend(load_jsonl(path))
    return out
