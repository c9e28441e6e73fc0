"""Who else has a record open (seed 004 "Who's viewing"): each open page beats every few
seconds; a page not heard from for EXPIRES has been closed, whether or not it said goodbye.

Kept in the database by default (a row per open page, written and read back in one
statement), or in Redis when the panel is given one; either way every worker and machine of
the panel sees the same list.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Protocol

from sqlalchemy import (
    DDL,
    Boolean,
    ForeignKey,
    Index,
    Select,
    String,
    bindparam,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.base import Base, Timestamp, as_utc
from ..core.staff_sessions import OpenLogin
from ..core.users import User

# A page beats this often, and one not heard from for EXPIRES is gone: a closed tab leaves
# everyone's list within EXPIRES plus one of their beats (30 s), even if its goodbye is lost.
EVERY = timedelta(seconds=10)
EXPIRES = timedelta(seconds=20)
RECORD_KINDS = ("customer", "work_address")


class RecordPresence(Base):
    """One open page of a record: its `tab` is a random name the page was served with."""

    __tablename__ = "record_presence"
    audited: ClassVar[bool] = False  # who looked at what, every ten seconds, is no change

    tab: Mapped[str] = mapped_column(String(32), primary_key=True)
    record: Mapped[str] = mapped_column(String(40))  # "customer:12", "work_address:7"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    editing: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(Timestamp)
    seen_at: Mapped[datetime] = mapped_column(Timestamp, index=True)

    __table_args__ = (Index("ix_record_presence_record_seen_at", "record", "seen_at"),)


# Not worth a WAL write and its wait at every commit: after a crash, open pages beat again.
event.listen(
    RecordPresence.__table__,
    "after_create",
    DDL("ALTER TABLE record_presence SET UNLOGGED").execute_if(dialect="postgresql"),
)


@dataclass(frozen=True)
class Viewer:
    """Another person with the record open: since their first page of it still open, and
    editing when one of their pages of it is the edit form."""

    user_id: int
    name: str
    since: datetime
    editing: bool


def record_key(kind: str, record_id: int) -> str:
    if kind not in RECORD_KINDS:
        raise ValueError(f"No presence for {kind!r}: one of {RECORD_KINDS}.")
    return f"{kind}:{record_id}"


def viewers(pages: list[tuple[int, str, datetime, bool]]) -> list[Viewer]:
    """Open pages (user id, name, opened, editing) as one entry per person, editors first,
    then the longest there."""
    people: dict[int, Viewer] = {}
    for user_id, name, opened, editing in pages:
        seen = people.get(user_id)
        if seen is not None:
            opened, editing = min(opened, seen.since), editing or seen.editing
        people[user_id] = Viewer(user_id, name, opened, editing)
    return sorted(people.values(), key=lambda v: (not v.editing, v.since, v.name))


class Presence(Protocol):
    def beat(
        self, record: str, tab: str, user_id: int, login: OpenLogin, editing: bool, now: datetime
    ) -> list[Viewer] | None:
        """Marks this page open and returns the others there, if `login` (the user's name,
        while their login is open) finds them; None when it does not or the tab is another
        user's or another record's (nothing is changed then)."""

    def leave(self, record: str, tab: str, user: User) -> None:
        """The page was closed: it leaves the list now rather than when it expires."""

    def forget_expired(self, now: datetime) -> None:
        """Drops what closed pages left behind."""


def _pages_as_json(dialect: str, *columns):
    if dialect == "postgresql":
        return func.json_agg(func.json_build_array(*columns))
    return func.json_group_array(func.json_array(*columns))


def _moment(value) -> datetime:
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


@functools.cache
def _beat_statement(dialect: str, login: Select):
    """The beat's upsert, built once per login query (its values are bound parameters)."""
    page, columns = RecordPresence, RecordPresence.__table__.c
    others = (
        select(_pages_as_json(dialect, page.user_id, User.name, page.opened_at, page.editing))
        .join(User, User.id == page.user_id)
        .where(
            page.record == bindparam("record"),
            page.user_id != bindparam("user_id"),
            page.seen_at > bindparam("expired_at", type_=columns.seen_at.type),
        )
        .scalar_subquery()
    )
    sources = {"opened_at": "now", "seen_at": "now"}  # the other columns' own names
    this_page = select(
        *(
            bindparam(sources.get(name, name), type_=columns[name].type)
            for name in ("tab", "record", "user_id", "editing", "opened_at", "seen_at")
        )
    ).where(login.exists())
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(page)
    return (
        insert.from_select(
            ["tab", "record", "user_id", "editing", "opened_at", "seen_at"], this_page
        )
        .on_conflict_do_update(
            index_elements=[page.tab],
            set_={
                "seen_at": bindparam("now", type_=columns.seen_at.type),
                "editing": bindparam("editing", type_=columns.editing.type),
            },
            where=(page.user_id == bindparam("user_id")) & (page.record == bindparam("record")),
        )
        .returning(others)
    )


class DatabasePresence:
    """In the record_presence table. A beat is one statement: an upsert of this page, if its
    login is open, whose RETURNING reads the record's other pages, as they were before it."""

    def __init__(self, session: Session):
        self.session = session

    def beat(self, record, tab, user_id, login, editing, now):
        dialect = self.session.get_bind().dialect.name
        values = {
            "tab": tab, "record": record, "user_id": user_id, "editing": editing, "now": now,
            "expired_at": now - EXPIRES,
        }  # fmt: skip
        found = (
            self.session.connection()  # a Core statement: no ORM bookkeeping on every beat
            .execute(_beat_statement(dialect, login.query), {**values, **login.params})
            .first()
        )
        if found is None:
            return None
        rows = found[0]
        rows = json.loads(rows) if isinstance(rows, str) else rows or []
        return viewers([(uid, name, _moment(at), bool(ed)) for uid, name, at, ed in rows])

    def leave(self, record, tab, user):
        self.session.execute(
            delete(RecordPresence).where(
                RecordPresence.tab == tab,
                RecordPresence.record == record,
                RecordPresence.user_id == user.id,
            )
        )

    def forget_expired(self, now):
        self.session.execute(delete(RecordPresence).where(RecordPresence.seen_at <= now - EXPIRES))


# Atomic in Redis: refuses another user's tab, keeps when the page was opened, drops pages
# that expired, and hands back the record's other pages, in one round trip.
_BEAT = """
local key, tab = KEYS[1], ARGV[1]
local user, now, cutoff = tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[6])
local opened = now
local old = redis.call('HGET', key, tab)
if old then
  local page = cjson.decode(old)
  if page[1] ~= user then return false end
  opened = page[3]
end
redis.call('HSET', key, tab, cjson.encode({user, ARGV[3], opened, tonumber(ARGV[5]), now}))
redis.call('PEXPIRE', key, ARGV[7])
local others = {}
local pages = redis.call('HGETALL', key)
for i = 1, #pages, 2 do
  local page = cjson.decode(pages[i + 1])
  if page[5] <= cutoff then redis.call('HDEL', key, pages[i])
  elseif page[1] ~= user then table.insert(others, pages[i + 1]) end
end
return others
"""
_LEAVE = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and cjson.decode(old)[1] == tonumber(ARGV[2]) then redis.call('HDEL', KEYS[1], ARGV[1]) end
"""


class RedisPresence:
    """In Redis: a hash per record, a field per open page. `client` is a redis-py client,
    `session` the database's (where logins are checked); `prefix` keeps this panel's keys
    apart from anything else in that Redis."""

    def __init__(self, client, session: Session, prefix: str = "customer-record:"):
        self.client, self.session, self.prefix = client, session, prefix
        self._beat = client.register_script(_BEAT)
        self._leave = client.register_script(_LEAVE)

    def _key(self, record: str) -> str:
        return f"{self.prefix}presence:{record}"

    def beat(self, record, tab, user_id, login, editing, now):
        name = self.session.scalar(login.query, login.params)
        if name is None:
            return None
        found = self._beat(
            keys=[self._key(record)],
            args=[
                tab,
                user_id,
                name,
                now.timestamp(),
                int(editing),
                (now - EXPIRES).timestamp(),
                int(EXPIRES.total_seconds() * 2000),  # the whole record's key, if all are gone
            ],
        )
        if found is None:
            return None
        pages = [json.loads(page) for page in found]
        return viewers(
            [
                (uid, name, datetime.fromtimestamp(opened, tz=UTC), bool(editing))
                for uid, name, opened, editing, _seen in pages
            ]
        )

    def leave(self, record, tab, user):
        self._leave(keys=[self._key(record)], args=[tab, user.id])

    def forget_expired(self, now):
        """Each beat drops the record's expired pages, and a record's key expires itself."""
