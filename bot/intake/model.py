"""The shipped linear classifier: loaded once, lazily, from ``data/intake_model.json``.

File format (JSON): label names, biases, the feature strings joined by newlines, and a
base64 blob of the weight matrix (one row per feature, one column per label) quantised
to little-endian int16 (``weight = q * scale``).  Loading builds a dict (feature → row)
and one tuple per row sharing a float object per distinct weight: a few MB, ~20 ms.
"""

from __future__ import annotations

import base64
import json
import math
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

MODEL_FORMAT = "mulin-intake-linear/3"
MODEL_RESOURCE = "data/intake_model.json"
SCALE = 1 / 2048


class LinearModel:
    """Multinomial logistic regression over sparse binary features."""

    def __init__(
        self, labels: Sequence[str], bias: Sequence[float], features: Sequence[str], q: array[int]
    ) -> None:
        width = len(labels)
        if len(q) != width * len(features) or len(bias) != width:
            raise ValueError("model shape mismatch")
        self.labels = tuple(labels)
        self.bias = tuple(float(b) for b in bias)
        self._features = list(features)
        self._q = q
        self._index = {feat: row for row, feat in enumerate(features)}
        shared = {value: value * SCALE for value in set(q)}
        get = shared.__getitem__
        self._rows = [tuple(map(get, q[i : i + width])) for i in range(0, len(q), width)]

    @classmethod
    def from_rows(
        cls,
        labels: Sequence[str],
        bias: Sequence[float],
        rows: Mapping[str, Sequence[tuple[int, float]]],
    ) -> LinearModel:
        """Build from ``feature → [(label index, weight), …]`` (used by training)."""
        width = len(labels)
        features: list[str] = []
        q = array("h")
        for feat in sorted(rows):
            cells = [0] * width
            for k, weight in rows[feat]:
                cells[k] = max(-32767, min(32767, round(weight / SCALE)))
            if any(cells):
                features.append(feat)
                q.extend(cells)
        return cls(labels, bias, features, q)

    @property
    def n_features(self) -> int:
        return len(self._features)

    def scores(self, features: Iterable[str]) -> list[float]:
        index, dense = self._index, self._rows
        rows = [dense[r] for f in set(features) if (r := index.get(f)) is not None]
        if not rows:
            return list(self.bias)
        return [
            b + sum(column) for b, column in zip(self.bias, zip(*rows, strict=True), strict=True)
        ]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        scores = self.scores(features)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def to_json(self) -> dict[str, Any]:
        q = array("h", self._q)
        if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
            q.byteswap()
        return {
            "format": MODEL_FORMAT,
            "labels": list(self.labels),
            "bias": [round(b, 4) for b in self.bias],
            "scale": SCALE,
            "features": "\n".join(self._features),
            "weights": base64.b64encode(q.tobytes()).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        if data.get("format") != MODEL_FORMAT or data.get("scale") != SCALE:
            raise ValueError(f"unknown model format {data.get('format')!r}")
        features = str(data["features"]).split("\n") if data["features"] else []
        q = array("h")
        q.frombytes(base64.b64decode(data["weights"]))
        if sys.byteorder != "little":  # pragma: no cover
            q.byteswap()
        return cls([str(x) for x in data["labels"]], list(data["bias"]), features, q)


@lru_cache(maxsize=1)
def load_model() -> LinearModel | None:
    """The shipped model, or ``None`` when no model file is shipped (rules only)."""
    try:
        raw = resources.files("bot.intake").joinpath(MODEL_RESOURCE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    return LinearModel.from_json(json.loads(raw))
