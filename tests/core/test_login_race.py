"""The login lock-out holds under concurrency: gunicorn (2 workers x 4 threads) on the suite's
database, 40 wrong passwords sent 8 at a time. The failure count used to be read, changed and
written back, so 19 to 38 of them were checked before the lock held; the claim is 5."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select

from bench.generate import BENCH_EMAIL
from bench.load import CSRF_TOKEN, _keep_cookies, _request, panel
from models import AuditEntry, User
from models.core.users import MAX_FAILED_LOGINS
from tests.generated import generated_database

pytestmark = pytest.mark.slow  # a database, a generation or a server of its own

ATTEMPTS = 40


def wrong_password(port: int, attempt: int) -> tuple[int, bool]:
    """(status, whether the password was checked and called wrong, not refused as locked)"""
    cookies: dict[str, str] = {}
    page = _request(port, "GET", "/login")
    _keep_cookies(cookies, page)
    form = {
        "email": BENCH_EMAIL,
        "password": f"guess number {attempt}",
        "csrf_token": CSRF_TOKEN.search(page.body).group(1),
    }
    reply = _request(port, "POST", "/login", cookies, form)
    return reply.status, "Email or password is wrong." in reply.body


def test_parallel_wrong_passwords_are_checked_at_most_five_times(tmp_path):
    """bench.load's panel lifts the per-address limit: the lock is what is tested."""
    with generated_database(tmp_path, customers=3) as (url, _generated):
        with panel(url, workers=2, threads=4) as port, ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda n: wrong_password(port, n), range(ATTEMPTS)))
        engine = create_engine(url)
        with engine.connect() as connection:
            checked = connection.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "login failed")
            )
            locked_until = connection.scalar(
                select(User.locked_until).where(User.email == BENCH_EMAIL)
            )
        engine.dispose()
    assert [status for status, _ in replies] == [401] * ATTEMPTS
    # the one that reached the limit says the login is locked
    assert sum(called_wrong for _, called_wrong in replies) == MAX_FAILED_LOGINS - 1
    assert checked == MAX_FAILED_LOGINS
    assert locked_until is not None
