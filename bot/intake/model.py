"""The shipped linear classifier: loaded once, lazily, from ``data/intake_model.json``.

One weight matrix serves several *heads* that share the features: ``intent`` (the joint
``order:<category>`` / intent softmax), ``urgent`` (one logit: danger now) and ``hazard``
(softmax over the danger kinds).  File format (JSON): label names (every head's columns,
in order), the heads as ``[name, first column, end column]``, biases, ``meta`` (the
decision thresholds chosen at training time) and, per head, the features that weigh in
it (joined by newlines) with a base64 blob of the zlib-compressed weight matrix (one row
per feature, one column per label of the head) quantised to little-endian int16
(``weight = q * scale``).  Loading builds, per head, a dict (feature →
its row's quantised weights packed into one int, see ``LinearModel.__init__``).
"""

from __future__ import annotations

import base64
import json
import math
import sys
import zlib
from array import array
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

MODEL_FORMAT = "mulin-intake-linear/4"
MODEL_RESOURCE = "data/intake_model.json"
SCALE = 1 / 2048
_OFFSET = 1 << 15  # added to each packed weight so that every lane is non-negative
_LANE = (1 << 32) - 1
NGRAM_MAX = 3  # character n-grams are at most this long; every longer feature is a flag


class LinearModel:
    """Logistic-regression heads over shared sparse binary features."""

    def __init__(
        self,
        labels: Sequence[str],
        bias: Sequence[float],
        tables: Mapping[str, tuple[Sequence[str], array[int]]],
        heads: Mapping[str, tuple[int, int]] | None = None,
        meta: Mapping[str, float] | None = None,
    ) -> None:
        width = len(labels)
        if len(bias) != width:
            raise ValueError("model shape mismatch")
        self.labels = tuple(labels)
        self.bias = tuple(float(b) for b in bias)
        self.heads: dict[str, tuple[int, int]] = dict(heads or {"intent": (0, width)})
        if any(not 0 <= a < b <= width for a, b in self.heads.values()):
            raise ValueError("model heads out of range")
        self.meta: dict[str, float] = {k: float(v) for k, v in (meta or {}).items()}
        # Per head, feature → its quantised weights in that head packed into one Python
        # int: lane k (32 bits) holds ``q + 2**15`` for column k.  Summing the packed rows
        # of a message is one C-level ``sum``; each lane then holds the column's sum plus
        # ``n * 2**15``, with no carry between lanes below 65,536 rows.  One-column heads
        # keep plain ints.  Feature strings are shared across the heads.  Each head's table
        # is split in two, the n-grams and the longer features (flags), because the two are
        # scaled differently (see ``head_scores``).
        self._packed: dict[str, dict[str, int]] = {}
        self._scalar: dict[str, dict[str, int]] = {}
        self._flags: dict[str, dict[str, int]] = {}
        self._last_grams: tuple[Collection[str], int] | None = None
        names: dict[str, str] = {}
        for name, (a, b) in self.heads.items():
            features, q = tables.get(name, ([], array("h")))
            width = b - a
            if len(q) != len(features) * width:
                raise ValueError(f"model shape mismatch in head {name}")
            keys = [names.setdefault(f, f) for f in features]
            if width == 1:
                self._scalar[name] = self._split(name, dict(zip(keys, q, strict=True)))
                continue
            lanes = array("I", (v + _OFFSET for v in q))
            if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
                lanes.byteswap()
            raw = lanes.tobytes()
            step = 4 * width
            self._packed[name] = self._split(
                name,
                {
                    key: int.from_bytes(raw[i * step : (i + 1) * step], "little")
                    for i, key in enumerate(keys)
                },
            )

    def _split(self, head: str, table: dict[str, int]) -> dict[str, int]:
        """Keep ``table``'s flags apart (in ``_flags``) and return its n-grams."""
        self._flags[head] = {k: v for k, v in table.items() if len(k) > NGRAM_MAX}
        for key in self._flags[head]:
            del table[key]
        return table

    def _table(self, head: str) -> dict[str, int]:
        """The head's whole table, n-grams and flags."""
        return {**(self._scalar.get(head) or self._packed[head]), **self._flags[head]}

    @classmethod
    def from_rows(
        cls,
        labels: Sequence[str],
        bias: Sequence[float],
        rows: Mapping[str, Sequence[tuple[int, float]]],
        heads: Mapping[str, tuple[int, int]] | None = None,
        meta: Mapping[str, float] | None = None,
    ) -> LinearModel:
        """Build from ``feature → [(label index, weight), …]`` (used by training)."""
        heads = dict(heads or {"intent": (0, len(labels))})
        tables: dict[str, tuple[list[str], array[int]]] = {}
        for name, (a, b) in heads.items():
            features: list[str] = []
            q = array("h")
            for feat in sorted(rows):
                cells = [0] * (b - a)
                for k, weight in rows[feat]:
                    if a <= k < b:
                        cells[k - a] = max(-32767, min(32767, round(weight / SCALE)))
                if any(cells):
                    features.append(feat)
                    q.extend(cells)
            tables[name] = (features, q)
        return cls(labels, bias, tables, heads, meta)

    @property
    def n_features(self) -> int:
        return len({f for head in self.heads for f in self._table(head)})

    def scores(self, features: Iterable[str]) -> list[float]:
        """Every column's score (all heads, in label order)."""
        unique = set(features)
        out: list[float] = []
        for name in sorted(self.heads, key=lambda h: self.heads[h][0]):
            out.extend(self.head_scores(unique, name))
        return out

    def head_scores(self, unique: Collection[str], head: str) -> list[float]:
        """Scores of one head's columns for a *set* of features.  With ``meta["l2"]`` set,
        the binary feature vector is L2-normalised (each present feature weighs
        ``1 / sqrt(number of features)``), so a three-word fragment is not drowned by
        the bias.  With ``meta["flag_weight"]`` set too, only the character n-grams (at
        most three characters) are normalised, and every longer feature (a cue, a
        concept) weighs ``flag_weight``: a long calm report keeps its one line of danger
        at full strength."""
        a, b = self.heads[head]
        bias = self.bias[a:b]
        if not self.meta.get("l2"):
            return self._sums(unique, head, bias, SCALE, SCALE)
        flag_weight = self.meta.get("flag_weight", 0.0)
        if not flag_weight:
            scale = SCALE / math.sqrt(len(unique) or 1)
            return self._sums(unique, head, bias, scale, scale)
        grams = self._gram_count(unique)
        return self._sums(unique, head, bias, SCALE / math.sqrt(grams or 1), SCALE * flag_weight)

    def _gram_count(self, unique: Collection[str]) -> int:
        """How many of ``unique`` are n-grams; the parser asks every head about the same
        set, so the last answer is kept."""
        last = self._last_grams
        if last is not None and last[0] is unique:
            return last[1]
        count = len(unique) - sum(1 for f in unique if len(f) > NGRAM_MAX)
        self._last_grams = (unique, count)
        return count

    def _sums(
        self, unique: Collection[str], head: str, bias: Sequence[float], gram: float, flag: float
    ) -> list[float]:
        """Per column, ``bias`` plus the weights of ``unique``'s features, each n-gram's
        times ``gram`` and each longer feature's times ``flag``."""
        flags = self._flags[head]
        scalar = self._scalar.get(head)
        if scalar is not None:
            grams = sum(map(scalar.__getitem__, scalar.keys() & unique))
            return [
                bias[0] + gram * grams + flag * sum(map(flags.__getitem__, flags.keys() & unique))
            ]
        table = self._packed[head]
        per_gram = self._lanes(table, table.keys() & unique, bias, gram)
        flag_keys = flags.keys() & unique
        if not flag_keys:
            return per_gram
        return self._lanes(flags, flag_keys, per_gram, flag)

    @staticmethod
    def _lanes(
        table: Mapping[str, int], keys: Collection[str], bias: Sequence[float], scale: float
    ) -> list[float]:
        """``bias`` plus ``scale`` times the packed rows of ``keys``, unpacked per column."""
        if not keys:
            return list(bias)
        total = sum(map(table.__getitem__, keys))
        base = len(keys) * _OFFSET
        return [c + scale * (((total >> (32 * k)) & _LANE) - base) for k, c in enumerate(bias)]

    def head_labels(self, head: str) -> tuple[str, ...]:
        start, end = self.heads[head]
        return self.labels[start:end]

    def softmax(self, unique: Collection[str], head: str) -> dict[str, float]:
        """Probabilities of ``head``'s labels for a set of features."""
        part = self.head_scores(unique, head)
        top = max(part)
        exps = [math.exp(s - top) for s in part]
        total = sum(exps)
        return dict(zip(self.head_labels(head), (e / total for e in exps), strict=True))

    def sigmoid(self, unique: Collection[str], head: str) -> float:
        """Probability of a one-column (binary) head for a set of features."""
        z = self.head_scores(unique, head)[0]
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def probabilities(self, features: Iterable[str], head: str = "intent") -> dict[str, float]:
        return self.softmax(set(features), head)

    def to_json(self) -> dict[str, Any]:
        tables: dict[str, dict[str, str]] = {}
        for name in self.heads:
            data = array("h")
            table = self._table(name)
            features = sorted(table)
            if name in self._scalar:
                data.extend(table[f] for f in features)
            else:
                width = self.heads[name][1] - self.heads[name][0]
                for f in features:
                    packed = table[f]
                    data.extend(((packed >> (32 * k)) & _LANE) - _OFFSET for k in range(width))
            if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
                data.byteswap()
            tables[name] = {
                "features": "\n".join(features),
                "weights": base64.b64encode(zlib.compress(data.tobytes(), 9)).decode("ascii"),
            }
        return {
            "format": MODEL_FORMAT,
            "labels": list(self.labels),
            "heads": [[name, a, b] for name, (a, b) in self.heads.items()],
            "meta": {k: round(v, 6) for k, v in sorted(self.meta.items())},
            "bias": [round(b, 4) for b in self.bias],
            "scale": SCALE,
            "tables": tables,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, consume: bool = False) -> LinearModel:
        """Build from the file's JSON.  With ``consume``, each table's feature text in
        ``data`` is emptied once read (a lower loading peak when nothing else needs it)."""
        if data.get("format") != MODEL_FORMAT or data.get("scale") != SCALE:
            raise ValueError(f"unknown model format {data.get('format')!r}")
        tables: dict[str, tuple[list[str], array[int]]] = {}
        # one string object per feature across the heads, made as each head is read, so
        # the heads' copies are freed at once and loading peaks lower (RSS stays lower)
        names: dict[str, str] = {}
        for name, table in (data.get("tables") or {}).items():
            text = str(table["features"])
            if consume:
                table["features"] = ""
            features = [names.setdefault(f, f) for f in text.split("\n")] if text else []
            q = array("h")
            q.frombytes(zlib.decompress(base64.b64decode(table["weights"])))
            if sys.byteorder != "little":  # pragma: no cover
                q.byteswap()
            tables[str(name)] = (features, q)
        heads = {str(name): (int(a), int(b)) for name, a, b in data.get("heads") or []}
        return cls(
            [str(x) for x in data["labels"]],
            list(data["bias"]),
            tables,
            heads or None,
            data.get("meta") or {},
        )


@lru_cache(maxsize=1)
def load_model() -> LinearModel | None:
    """The shipped model, or ``None`` when no model file is shipped (rules only)."""
    try:
        raw = resources.files("bot.intake").joinpath(MODEL_RESOURCE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    data = json.loads(raw)
    del raw  # the text is not needed while the tables are built: a lower loading peak
    return LinearModel.from_json(data, consume=True)
