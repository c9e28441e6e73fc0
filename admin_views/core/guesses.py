"""Where a secret is checked (a password, a two-factor code, a portal link's token), guesses
are slowed: per client address across all of them, and per account where a form names one.
Over the limit the request gets 429, before the secret is looked at."""

import time

from flask import current_app, request, session

from extensions import limiter

SCOPE = "guesses"  # one count per address, whichever secret it guesses at
PENDING_KEY = "two_factor_pending"


def guess_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def named_account() -> str:
    """The account a login names, or whose two-factor code is awaited: guesses at one account
    from many addresses are slowed too."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"account:{email}" if email else f"pending:{pending_user_id()}"


def pending_user_id() -> int | None:
    """The user whose password was right and whose two-factor code is awaited, for a while."""
    pending = session.get(PENDING_KEY) or {}
    if pending.get("until", 0) < time.time():
        return None
    return pending.get("user")


# The 429 page's sentence (admin_views/core/error_pages.py), not Flask-Limiter's "20 per 1 minute".
TOO_MANY = (
    "Too many attempts from here in a short time: nothing was checked. "
    "Wait a minute, then try again."
)
guesses_per_address = limiter.shared_limit(
    guess_limit, scope=SCOPE, methods=["POST"], error_message=TOO_MANY
)
guesses_per_account = limiter.limit(
    guess_limit, key_func=named_account, methods=["POST"], error_message=TOO_MANY
)
# A portal link is its own secret, opened with a GET.
links_per_address = limiter.shared_limit(guess_limit, scope=SCOPE, error_message=TOO_MANY)
