#!/usr/bin/env python
"""Evaluate the shipped intake parser on labelled jsonl files and list the failures.

.venv/bin/python scripts/eval_intake.py corpus/intake/*.jsonl [--split test] [--fields address,phones]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.intake import parse  # noqa: E402
from bot.intake.classify import CATEGORIES, INTENTS  # noqa: E402
from bot.intake.evaluation import (  # noqa: E402
    Metrics,
    confusion_table,
    failures,
    load_jsonl,
    record_now,
    split_of,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--split", choices=("train", "dev", "test", "all"), default="all")
    ap.add_argument("--fields", default="", help="only list failures on these fields (comma list)")
    ap.add_argument("--quiet", action="store_true", help="metrics only")
    ap.add_argument("--confusion", action="store_true")
    args = ap.parse_args(argv)
    files = args.files or sorted((ROOT / "corpus" / "intake").glob("*.jsonl"))
    wanted = {f for f in args.fields.split(",") if f}
    metrics = Metrics()
    shown = 0
    for path in files:
        for record in load_jsonl(path):
            rid = str(record.get("id"))
            if args.split != "all" and split_of(rid) != args.split:
                continue
            expect = record.get("expect")
            if not isinstance(expect, dict):
                continue
            got = parse(record["text"], record_now(record)).to_dict()
            metrics.add(expect, got)
            bad = failures(expect, got)
            if wanted:
                bad = [b for b in bad if b in wanted]
            if bad and not args.quiet:
                shown += 1
                print(f"{rid} [{', '.join(bad)}] now={record.get('now')}")
                print(f"    text: {record['text']}")
                for name in bad:
                    exp = json.dumps(expect.get(name), ensure_ascii=False)
                    print(
                        f"    {name}: expected {exp}, got {json.dumps(got.get(name), ensure_ascii=False)}"
                    )
    print(metrics.format(f"{args.split} ({len(files)} files), {shown} failures listed"))
    if args.confusion:
        print("intent confusion (rows expected, columns predicted)")
        print(confusion_table(metrics.intent_confusion, INTENTS))
        print("category confusion")
        print(confusion_table(metrics.category_confusion, CATEGORIES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
