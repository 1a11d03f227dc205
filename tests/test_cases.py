"""Labelled normalization cases made from real notices (tests/cases/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize import normalize

CASES = Path(__file__).resolve().parent / "cases"


def load() -> list:
    params = []
    for path in sorted(CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            params.append(pytest.param(case, id=f"{path.stem}: {case['label']}", marks=marks))
    return params


def test_there_are_enough_cases():
    assert len(load()) >= 60


@pytest.mark.parametrize("case", load())
def test_case(case):
    result = normalize(case["input"])
    assert result.text == case["expected"]
    assert normalize(result.text).text == result.text
