"""The review page's server: a bottle application on 127.0.0.1, every address behind a random token.

It serves its own page, script and style (package data, named one by one) and JSON about the
corpus; no file of the corpus or elsewhere is served by path. Every decision goes through
``dedupe.store.corrections.correct``, the function the CLI's merge, split, canonical and withdraw
call, so the log says the same whichever was used. Requests are handled one at a time (wsgiref):
one person reviews, and each correction holds the corpus lock anyway.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from importlib import resources
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle

from dedupe.errors import DedupeError, InputError
from dedupe.reports.htmlparts import aligned_columns
from dedupe.reports.pairdiff import align
from dedupe.reports.plan import format_plan
from dedupe.review.queue import BORDERLINE_BELOW, RELATED_ABOVE, review_queue
from dedupe.store import Corpus
from dedupe.store.corrections import correct

ACTIONS = {"same": "merge", "different": "split", "canonical": "canonical", "withdraw": "withdraw"}
STATIC = {"review.js": "application/javascript", "review.css": "text/css"}
REVIEW_DIFF_CHARS = 40_000  # a person reading one pair can take a longer diff than a report of many


def make_app(
    corpus: Corpus,
    token: str,
    by: str,
    related_above: float = RELATED_ABOVE,
    borderline_below: float = BORDERLINE_BELOW,
) -> bottle.Bottle:
    """The application; ``token`` is the first segment of every address, ``by`` the default name."""
    app = bottle.Bottle()

    def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(tok: str, *args: Any, **kw: Any) -> Any:
            if not hmac.compare_digest(tok.encode(), token.encode()):
                bottle.abort(404, "Not found")
            if bottle.request.urlparts.hostname not in ("127.0.0.1", "localhost"):
                bottle.abort(403, "this page answers only at 127.0.0.1")  # a name rebound to it elsewhere
            origin = bottle.request.headers.get("Origin")
            if bottle.request.method == "POST" and origin and origin != _own_origin():
                bottle.abort(403, "a request from another site")
            return fn(*args, **kw)

        return wrapper

    def queue() -> list[dict[str, Any]]:
        return review_queue(corpus, related_above, borderline_below)

    @app.get("/<tok>/", apply=[guarded])
    def page() -> str:
        bottle.response.content_type = "text/html; charset=utf-8"
        return _asset("review.html").replace("{{corpus}}", bottle.html_escape(str(corpus.root.resolve())))

    @app.get("/<tok>/static/<name>", apply=[guarded])
    def static(name: str) -> str:
        if name not in STATIC:
            bottle.abort(404, "Not found")
        bottle.response.content_type = f"{STATIC[name]}; charset=utf-8"
        return _asset(name)

    @app.get("/<tok>/api/queue", apply=[guarded])
    def api_queue() -> dict[str, Any]:
        return {"corpus": str(corpus.root.resolve()), "by": by, "items": queue()}

    @app.get("/<tok>/api/pair/<a>/<b>", apply=[guarded])
    def api_pair(a: str, b: str) -> dict[str, Any]:
        with corpus.session() as (view, _):
            docs = view.fetch([a, b])
        if a not in docs or b not in docs:
            bottle.abort(404, "no such pair in the corpus")
        aligned = align(docs[a].text, docs[b].text)
        return {"start": aligned.start, "html": aligned_columns(aligned, REVIEW_DIFF_CHARS)}

    @app.post("/<tok>/api/decide", apply=[guarded])
    def api_decide() -> dict[str, Any]:
        asked = bottle.request.json or {}
        action, names = asked.get("action"), asked.get("notices")
        reason, who = str(asked.get("reason") or "").strip(), str(asked.get("by") or "").strip()
        if action not in ACTIONS or not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            bottle.abort(400, "give an action (same, different, canonical, withdraw) and its notices")
        if not reason or not who:
            return _refused("give a reason and your name: the log records who decided and why")
        try:
            plan = correct(corpus, ACTIONS[action], names, reason, who)
        except (InputError, DedupeError) as exc:
            return _refused(str(exc))
        return {"done": format_plan(plan), "items": queue()}

    return app


def _refused(message: str) -> dict[str, Any]:
    bottle.response.status = 409
    bottle.response.content_type = "application/json"
    return {"error": message}


def _own_origin() -> str:
    return f"{bottle.request.urlparts.scheme}://{bottle.request.urlparts.netloc}"


def _asset(name: str) -> str:
    return resources.files("dedupe.review").joinpath("static", name).read_text(encoding="utf-8")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def start(app: bottle.Bottle, port: int = 0) -> WSGIServer:
    """A server for ``app`` on 127.0.0.1 (``port`` 0: a free one chosen by the system)."""
    return make_server("127.0.0.1", port, app, handler_class=_Quiet)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def address(server: WSGIServer, token: str) -> str:
    return f"http://127.0.0.1:{server.server_port}/{token}/"


__all__ = ["ACTIONS", "address", "make_app", "new_token", "start"]
