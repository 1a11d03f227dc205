"""Reviewing a corpus in the browser: a queue of what needs a person, decided by mouse or keyboard.

``policy-dedup review`` serves one page on 127.0.0.1 behind a random token; each decision records
the correction the CLI would (``dedupe.store.corrections.correct``). See ``dedupe.review.queue``
for what waits in the queue and ``dedupe.review.server`` for what is served.
"""

from __future__ import annotations

from dedupe.review.queue import review_queue
from dedupe.review.server import address, make_app, new_token, start

__all__ = ["address", "make_app", "new_token", "review_queue", "start"]
