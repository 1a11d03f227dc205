"""Character diffs (dedupe/diff.py): what the veto counts and the reports show."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.diff import char_diff

TEXT = st.text(alphabet="第一二条款规定的部门罚款万元\n。，", max_size=300)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_a_diff_gives_back_both_texts(a, b):
    ops = char_diff(a, b)
    assert "".join(t for tag, t in ops if tag != "insert") == a
    assert "".join(t for tag, t in ops if tag != "delete") == b
    assert all(tag in ("equal", "delete", "insert") and t for tag, t in ops)
    assert all(x[0] != y[0] for x, y in itertools.pairwise(ops))  # runs merged


def test_one_changed_character_is_one_change():
    ops = char_diff("第二条　罚款五万元以上\n", "第二条　罚款一万元以上\n")
    assert ops == [("equal", "第二条　罚款"), ("delete", "五"), ("insert", "一"), ("equal", "万元以上\n")]


def test_a_rewritten_passage_is_one_change_not_stray_characters():
    """A longest common subsequence would pair 的, 部门 and 规定 across two different sentences;
    a rewritten passage counts as one change, as the veto needs."""
    old = "第十条　本市各级人民政府的有关部门应当按照规定做好建筑废弃物的管理工作。\n"
    new = "第十条　建设单位使用经市城乡建设部门认定的再生产品的，按照规定返还处置费。\n"
    changes = [t for tag, t in char_diff(old, new) if tag != "equal"]
    assert len(changes) == 2, changes
