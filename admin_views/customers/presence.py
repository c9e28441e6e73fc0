"""Who's viewing and who's editing a record (seed 004): the side-panel block, the warning on
the edit forms, and the heartbeat their pages send while they stay open (presence.js).

A page is served with a random tab name signed for its record, its user and whether it is
the edit form; its beats and its goodbye carry them back, so a beat needs no look-up of the
record and no one can speak for another page.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from datetime import datetime

import redis
from flask import abort, current_app, jsonify, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views.core.auth import this_browsers_login
from admin_views.core.base import AccessMixin
from extensions import db
from models.core.base import utcnow
from models.core.formats import day_time, time_of_day
from models.core.staff_sessions import loaded_login
from models.customers.presence import (
    EVERY,
    RECORD_KINDS,
    DatabasePresence,
    Presence,
    RedisPresence,
    Viewer,
    record_key,
)

TAB_LENGTH = 16
NOT_THIS_PAGE = "This page is not open on this record under this login: reload it."


def now() -> datetime:
    """The presence clock (tests move it on instead of waiting)."""
    return utcnow()


def store() -> Presence:
    """Redis when the panel has one (REDIS_URL), else the database."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return DatabasePresence(db.session)
    clients = current_app.extensions.setdefault("presence", {})
    if url not in clients:  # one client (and its pool of connections) per process
        clients[url] = redis.Redis.from_url(url)
    return RedisPresence(clients[url], db.session, current_app.config["REDIS_KEY_PREFIX"])


def _signature(record: str, tab: str, editing: bool, user_id: str) -> str:
    message = f"{record}|{user_id}|{tab}|{int(editing)}".encode()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def since(moment: datetime, today: datetime) -> str:
    """ "17:20" today, "2 Dec 2026, 17:20" before."""
    return time_of_day(moment) if moment.date() == today.date() else day_time(moment)


def described(others: list[Viewer], moment: datetime) -> list[dict]:
    return [{"name": v.name, "since": since(v.since, moment), "editing": v.editing} for v in others]


def open_page(kind: str, record_id: int, editing: bool = False) -> dict:
    """Marks this page as open on the record and says who else is there, for the page served:
    what its block or warning lists, and what presence.js needs to keep it current."""
    record, tab, moment = record_key(kind, record_id), secrets.token_urlsafe(12), now()
    presence = store()
    try:
        presence.forget_expired(moment)
        login = loaded_login(current_user)
        others = presence.beat(record, tab, current_user.id, login, editing, moment) or []
    except redis.RedisError as error:  # the record is still worth showing without its viewers
        current_app.logger.warning("Who's viewing is not available: %s", error)
        others, unknown = [], True
    else:
        unknown = False
    _commit_keeping_what_is_loaded()
    return {
        "others": described(others, moment),
        "unknown": unknown,
        "editing": editing,
        "tab": tab,
        "signature": _signature(record, tab, editing, current_user.get_id()),
        "url": url_for("presence.beat", kind=kind, record_id=record_id),
        "leave_url": url_for("presence.leave", kind=kind, record_id=record_id),
        "every": int(EVERY.total_seconds()),
    }


def _commit_keeping_what_is_loaded() -> None:
    """Commits the page's beat at once (on SQLite a write held while the page renders would
    queue every other writer behind it) without expiring what the page has loaded already."""
    session = db.session()
    kept, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = kept


class PresenceView(AccessMixin, BaseView):
    """The pages' heartbeat and goodbye: any staff login, CSRF-checked like every POST."""

    def is_visible(self) -> bool:
        return False

    def _handle_view(self, name, **kwargs):
        if name == "beat":
            return None  # it checks its login in its own statement (CHECKS_OWN_LOGIN)
        return super()._handle_view(name, **kwargs)

    @expose("/")
    def index(self):
        abort(404)

    def _page(self, kind: str, record_id: int, user_id: str) -> tuple[str, str, bool]:
        if kind not in RECORD_KINDS:
            abort(404)
        record = record_key(kind, record_id)
        tab, editing = request.form.get("tab", ""), request.form.get("editing") == "1"
        signature = request.form.get("signature", "")
        if len(tab) != TAB_LENGTH or not hmac.compare_digest(
            signature, _signature(record, tab, editing, user_id)
        ):
            abort(400, description=NOT_THIS_PAGE)
        return record, tab, editing

    @expose("/<kind>/<int:record_id>/", methods=("POST",))
    def beat(self, kind: str, record_id: int):
        """Every few seconds from each open page: checks its login and beats in one statement,
        without loading the user (a beat is not activity: it keeps no idle login open)."""
        login = this_browsers_login()
        if login is None:
            return self.inaccessible_callback("beat")
        user_id, name_while_open = login
        record, tab, editing = self._page(kind, record_id, str(user_id))
        moment = now()
        try:
            others = store().beat(record, tab, user_id, name_while_open, editing, moment)
        except redis.RedisError:
            abort(503, description="Who's viewing is not available just now.")
        db.session.commit()
        if (
            others is None
            and db.session.scalar(name_while_open.query, name_while_open.params) is None
        ):
            return self.inaccessible_callback("beat")  # the login has ended
        if others is None:
            abort(400, description=NOT_THIS_PAGE)  # another login's page
        return jsonify(others=described(others, moment), every=int(EVERY.total_seconds()))

    @expose("/<kind>/<int:record_id>/leave/", methods=("POST",))
    def leave(self, kind: str, record_id: int):
        record, tab, _editing = self._page(kind, record_id, current_user.get_id())
        with contextlib.suppress(redis.RedisError):  # the page then expires instead
            store().leave(record, tab, current_user)
        db.session.commit()
        return "", 204
