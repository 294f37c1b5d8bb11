#!/usr/bin/env python
"""Train the intake classifier offline and export ``bot/intake/data/intake_model.json``.

Reads every ``corpus/intake/*.jsonl``; splits 70/15/15 by a hash of the id; trains a
multinomial logistic regression (AdaGrad SGD, L2, fixed seed) on the train split over
the features of :mod:`bot.intake.features`; prunes tiny weights; exports; then prints
per-field metrics of the full parser on dev and test, and the confusion matrices.

    .venv/bin/python scripts/train_intake.py [--epochs 12] [--no-export] [--all]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.intake import parse  # noqa: E402
from bot.intake.classify import CATEGORIES, INTENTS, LABELS  # noqa: E402
from bot.intake.evaluation import (  # noqa: E402
    Metrics,
    confusion_table,
    load_jsonl,
    record_now,
    split_of,
)
from bot.intake.features import extract_features  # noqa: E402
from bot.intake.model import LinearModel  # noqa: E402
from bot.intake.parser import analyse  # noqa: E402

MODEL_PATH = ROOT / "bot" / "intake" / "data" / "intake_model.json"


def joint_label(expect: dict[str, Any]) -> str | None:
    intent = expect.get("intent")
    if intent == "order":
        category = expect.get("category")
        return f"order:{category}" if category in CATEGORIES else None
    return intent if intent in INTENTS else None


def featurize(record: dict[str, Any]) -> list[str]:
    a = analyse(record["text"], record_now(record))
    return extract_features(a.masked, a.signals)


def train(
    data: list[tuple[list[str], int]],
    n_labels: int,
    epochs: int,
    lr: float,
    l2: float,
    min_count: int,
    seed: int,
    prune: float = 0.05,
) -> LinearModel:
    counts: Counter[str] = Counter()
    for feats, _ in data:
        counts.update(set(feats))
    vocab = {f for f, c in counts.items() if c >= min_count}
    examples = [(sorted(set(f) & vocab), y) for f, y in data]
    weights: dict[str, list[float]] = {f: [0.0] * n_labels for f in vocab}
    grads: dict[str, list[float]] = {f: [1e-8] * n_labels for f in vocab}
    bias = [0.0] * n_labels
    bias_g = [1e-8] * n_labels
    rng = random.Random(seed)
    order = list(range(len(examples)))
    for _epoch in range(epochs):
        rng.shuffle(order)
        for idx in order:
            feats, y = examples[idx]
            scores = bias[:]
            for f in feats:
                row = weights[f]
                for k in range(n_labels):
                    scores[k] += row[k]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            g = [e / total for e in exps]
            g[y] -= 1.0
            for k in range(n_labels):
                bias_g[k] += g[k] * g[k]
                bias[k] -= lr * g[k] / math.sqrt(bias_g[k])
            for f in feats:
                row = weights[f]
                acc = grads[f]
                for k in range(n_labels):
                    grad = g[k] + l2 * row[k]
                    if grad == 0.0:
                        continue
                    acc[k] += grad * grad
                    row[k] -= lr * grad / math.sqrt(acc[k])
    pruned: dict[str, list[tuple[int, float]]] = {}
    for f, row in weights.items():
        kept = [(k, w) for k, w in enumerate(row) if abs(w) >= prune]
        if kept:
            pruned[f] = kept
    return LinearModel.from_rows(LABELS, [round(b, 4) for b in bias], pruned)


def evaluate(records: list[dict[str, Any]], model: LinearModel) -> Metrics:
    metrics = Metrics()
    for record in records:
        got = parse(record["text"], record_now(record), model=model).to_dict()
        metrics.add(record["expect"], got)
    return metrics


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "intake")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1729)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--all", action="store_true", help="train on every split (no honest metrics)")
    ap.add_argument(
        "--final",
        action="store_true",
        help="after the honest train-only evaluation, export a model retrained on train+dev",
    )
    ap.add_argument("--output", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)

    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted(args.corpus.glob("*.jsonl")):
        for record in load_jsonl(path):
            rid = str(record.get("id"))
            expect = record.get("expect")
            if rid in seen or not isinstance(expect, dict) or joint_label(expect) is None:
                continue
            seen.add(rid)
            records.append(record)
    splits: dict[str, list[dict[str, Any]]] = {"train": [], "dev": [], "test": []}
    for record in records:
        splits[split_of(str(record["id"]))].append(record)
    print(
        f"corpus: {len(records)} messages "
        f"(train {len(splits['train'])}, dev {len(splits['dev'])}, test {len(splits['test'])})"
    )
    train_records = records if args.all else splits["train"]
    label_index = {label: i for i, label in enumerate(LABELS)}

    def fit(chosen: list[dict[str, Any]]) -> LinearModel:
        started = time.perf_counter()
        data = [(featurize(r), label_index[str(joint_label(r["expect"]))]) for r in chosen]
        model = train(data, len(LABELS), args.epochs, args.lr, args.l2, args.min_count, args.seed)
        print(
            f"trained on {len(data)} messages in {time.perf_counter() - started:.1f}s: "
            f"{model.n_features} features kept"
        )
        return model

    def report(model: LinearModel, names: tuple[str, ...], note: str) -> None:
        for name in names:
            metrics = evaluate(splits[name], model)
            print(metrics.format(f"{name}{note}"))
            print("  intent confusion (rows expected, columns predicted)")
            print(
                "    " + confusion_table(metrics.intent_confusion, INTENTS).replace("\n", "\n    ")
            )
            print("  category confusion (orders)")
            print(
                "    "
                + confusion_table(metrics.category_confusion, CATEGORIES).replace("\n", "\n    ")
            )

    model = fit(train_records)
    report(model, ("dev", "test"), " (model trained on train)")
    if args.final and not args.all:
        model = fit(splits["train"] + splits["dev"])
        report(model, ("test",), " (final model, trained on train+dev)")
    if not args.no_export:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":"))
        args.output.write_text(payload + "\n", encoding="utf-8")
        print(f"exported {args.output.relative_to(ROOT)} ({len(payload.encode()) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
