"""The corpus stays well formed, and categories are scored the way the acceptance sets score them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from bot.intake.evaluation import Metrics

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from check_corpus import check_files, check_record  # noqa: E402


def _order(category: str, **extra: object) -> dict[str, object]:
    expect = {
        "intent": "order",
        "category": category,
        "urgent": False,
        "address": None,
        "phones": [],
        "preferred_time": None,
        **extra,
    }
    return {"id": "t-1", "text": "围墙有裂缝", "now": "2026-11-20T10:00:00+08:00", "expect": expect}


def test_every_corpus_record_passes_the_checker() -> None:
    files = sorted((ROOT / "corpus" / "intake").rglob("*.jsonl"))
    out = io.StringIO()
    assert check_files(files, out) == 0, out.getvalue()[-2000:]


def test_also_lists_other_categories_only() -> None:
    assert check_record(_order("repair", also=["safety"])) == []
    assert check_record(_order("repair", also=[])) == []
    assert check_record(_order("repair", also=["repair"]))  # the main category again
    assert check_record(_order("repair", also=["weather"]))  # not a category
    assert check_record(_order("repair", also=["safety", "safety"]))
    assert check_record(_order("repair", also=["safety", "dispute", "other"]))
    chat = _order("repair", also=["safety"])
    chat["expect"].update(intent="chat", category=None)  # type: ignore[union-attr]
    assert check_record(chat)


def test_an_acceptable_alternative_counts_only_in_the_any_figure() -> None:
    metrics = Metrics()
    labelled = _order("repair", also=["safety"])["expect"]
    metrics.add(labelled, {"intent": "order", "category": "safety"})  # type: ignore[arg-type]
    metrics.add(labelled, {"intent": "order", "category": "dispute"})  # type: ignore[arg-type]
    unlabelled = _order("repair")["expect"]
    metrics.add(unlabelled, {"intent": "order", "category": "repair"})  # type: ignore[arg-type]
    s = metrics.summary()
    assert s["category_acc"] == 1 / 3
    assert s["category_any"] == 1 / 2  # over the two orders labelled with alternatives
    assert "any acceptable 0.500" in metrics.format("t")
