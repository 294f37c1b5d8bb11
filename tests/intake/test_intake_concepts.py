"""Concepts compose a danger from its parts; the model weighs them at full strength in a
long message."""

from __future__ import annotations

import math

import pytest

from bot.intake.concepts import concept_features, concepts
from bot.intake.model import SCALE, LinearModel


@pytest.mark.parametrize(
    "text",
    [
        "独居老人电话一直没人接",  # plain Mandarin
        "该户为独居老人，物业多次拨打其预留电话均无人接听",  # a formal report
        "阿婆自己住，成日冇覆我，电话又唔通",  # written Cantonese (after normalising)
    ],
)
def test_one_state_in_any_register_is_one_pair(text: str) -> None:
    found = concepts(text)
    assert "unreachable" in found
    assert {"elder", "alone"} & set(found)
    pairs = [f for f in concept_features(text) if f.startswith("cc:")]
    assert any("unreachable" in pair for pair in pairs)


def test_an_ordinary_request_names_no_state_of_danger() -> None:
    found = set(concepts("想问一下老年卡怎么办理"))
    assert found.isdisjoint({"unreachable", "unconscious", "burning", "despair", "moving"})


def _model(flag_weight: float) -> LinearModel:
    meta = {"l2": 1.0, "flag_weight": flag_weight, "urgent_threshold": 0.5}
    rows = {"c:burning": [(0, 2.0)], "火": [(0, 1.0)]}
    return LinearModel.from_rows(["urgent"], [0.0], rows, {"urgent": (0, 1)}, meta)


def test_a_flag_is_not_diluted_by_a_long_message() -> None:
    model = _model(0.5)
    short = {"c:burning", "火"}
    long = short | {chr(0x4E00 + i) + "字" for i in range(100)}  # 100 more two-character n-grams
    flag = 2.0 * 0.5
    assert model.head_scores(short, "urgent")[0] == pytest.approx(flag + 1.0, abs=4 * SCALE)
    # the n-gram is normalised by the n-grams' count; the flag keeps its weight
    expected = flag + 1.0 / math.sqrt(len(long) - 1)
    assert model.head_scores(long, "urgent")[0] == pytest.approx(expected, abs=4 * SCALE)


def test_without_flag_weight_every_feature_is_normalised() -> None:
    model = _model(0.0)
    short = {"c:burning", "火"}
    assert model.head_scores(short, "urgent")[0] == pytest.approx(3.0 / math.sqrt(2), abs=4 * SCALE)
