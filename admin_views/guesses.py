"""Where a secret is checked (a password, a two-factor code, a portal link's token), guesses
are slowed: per client address across all of them, and per account where a form names one.
Over the limit the request gets 429, before the secret is looked at."""

from flask import current_app, request

from extensions import limiter

SCOPE = "guesses"  # one count per address, whichever secret it guesses at


def guess_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def posted_account() -> str:
    """The account a login names: guesses at one account from many addresses are slowed too."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


guesses_per_address = limiter.shared_limit(guess_limit, scope=SCOPE, methods=["POST"])
guesses_per_account = limiter.limit(guess_limit, key_func=posted_account, methods=["POST"])
# A portal link is its own secret, opened with a GET.
links_per_address = limiter.shared_limit(guess_limit, scope=SCOPE)
