"""Configuration from the environment, with defaults that work on a laptop."""

import os
import secrets
from pathlib import Path

MEGABYTE = 1024 * 1024


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment(instance_path: Path, root_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'customer_record.db'}"
        ),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(root_path / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 20 * MEGABYTE)),
        # CSV files waiting for their import; removed by `flask cleanup` once expired.
        "IMPORT_FOLDER": os.environ.get("IMPORT_FOLDER", str(instance_path / "imports")),
        "IMPORT_STAGING_HOURS": float(os.environ.get("IMPORT_STAGING_HOURS", 24)),
        # Whether SMS is a channel here (seed 004: without it, no SMS preference is offered).
        "SMS_ENABLED": os.environ.get("SMS_ENABLED", "").lower() in ("1", "true", "yes"),
        "PHONE_REGION": os.environ.get("PHONE_REGION", "GB"),
        # Money in this currency (ISO 4217), days and numbers as this locale writes them.
        "CURRENCY": os.environ.get("CURRENCY", "GBP"),
        "LOCALE": os.environ.get("LOCALE", "en_GB"),
        # The record page's mini-map; with no tiles reachable it still shows the address.
        "MAP_TILE_URL": os.environ.get(
            "MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        ),
        # A staff session ends after this long unused, and this long after its login at most.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 480)),
        "SESSION_LIFETIME_HOURS": int(os.environ.get("SESSION_LIFETIME_HOURS", 12)),
        # Guesses slowed per client address and per account (login, two-factor, portal links);
        # counts are kept in memory, or where RATELIMIT_STORAGE_URI says (redis://… when
        # several processes serve).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Who's viewing a record: in the database, or in this Redis (redis://host:6379/0) when
        # set; its keys begin with REDIS_KEY_PREFIX, so one Redis can serve several panels.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "REDIS_KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "customer-record:"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Who must log in with a second factor: admins, all or none.
        "REQUIRE_2FA": os.environ.get("REQUIRE_2FA", "admins"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the login session
        "FLASK_ADMIN_SWATCH": "default",
        # Outgoing mail (statements); with no SMTP_HOST, messages wait in Admin -> Outbox.
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 587)),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "1").lower() not in ("0", "false", "no"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        # The letterhead on invoice, credit note and statement PDFs; address lines split on ",".
        "COMPANY_NAME": os.environ.get("COMPANY_NAME", ""),
        "COMPANY_ADDRESS": os.environ.get("COMPANY_ADDRESS", ""),
    }
