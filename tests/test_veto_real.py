"""The veto reads dates as facts of one act (dedupe/veto.py): a real order (令) published by a
ministry and the same order in a law database dated by the meeting that adopted it are one notice."""

from __future__ import annotations

from pathlib import Path

from dedupe import DedupeConfig, Document, find_duplicates, judge
from dedupe.veto import one_act, veto_reason
from normalize import normalize

ORDER = Path(__file__).resolve().parent / "data" / "veto" / "院前医疗急救管理办法.txt"


def published_and_database_copy() -> tuple[Document, Document]:
    published = normalize(ORDER.read_bytes())
    body = published.text[published.text.index("第一章") :]
    database = "院前医疗急救管理办法\n2013年10月22日国家卫生计生委委务会议讨论通过\n" + body
    return Document("pub", "pub", published, 0), Document("db", "db", normalize(database), 1)


def test_an_order_dated_by_its_meeting_and_by_its_publication_is_one_act():
    published, database = published_and_database_copy()
    assert published.normalized.meta.date == "2013-11-29"  # signed by the minister
    assert database.normalized.meta.date == "2013-10-22"  # the meeting that adopted it
    assert one_act(published.normalized.meta, database.normalized.meta)
    assert veto_reason(published.normalized.meta, database.normalized.meta) is None
    verdict, veto = judge(published, database, DedupeConfig())
    assert veto is None and verdict.merges, verdict.reason
    assert len(find_duplicates([published, database]).clusters) == 1


def test_a_later_adoption_is_still_another_version():
    """The same rule adopted again at a later meeting is a new version, not the same act."""
    published, database = published_and_database_copy()
    text = database.text.replace("2013年10月22日", "2016年3月1日")
    later = Document("later", "later", normalize(text), 2)
    assert not one_act(published.normalized.meta, later.normalized.meta)
    _, veto = judge(published, later, DedupeConfig())
    assert veto is not None
