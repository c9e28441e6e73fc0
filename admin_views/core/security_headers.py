"""The headers every response carries, whatever it is (page, PDF, ZIP, file, JSON, redirect,
error): a Content-Security-Policy under which a script runs only if it carries this response's
nonce, no framing, no MIME sniffing, same-origin referrers, and HSTS when the session cookie
is HTTPS-only. The portal sets its own, stricter policy (no scripts at all), which is kept.

A template gives each <script> the nonce: `<script nonce="{{ csp_nonce() }}">`; Flask-Admin's
own templates get it through `Admin(csp_nonce_generator=csp_nonce)`.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g

FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
TILE_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def csp_nonce() -> str:
    """This response's script nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def tile_source(tile_url: str) -> str:
    """The map tiles' origin as a CSP source: https://{s}.tile.example/… -> https://*.tile.example."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{TILE_PLACEHOLDER.sub('*', parts.netloc)}"


def content_security_policy(nonce: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'nonce-{nonce}'",
        # Style attributes, in our templates and in the markup the vendored widgets build:
        # a style cannot run code, so only scripts are held to the nonce.
        "style-src": "'self' 'unsafe-inline'",
        # data: for Bootstrap's and Select2's inline icons; the tiles for the record's mini-map.
        "img-src": f"'self' data: {tile_source(current_app.config['MAP_TILE_URL'])}".strip(),
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_security_headers(app: Flask) -> None:
    app.add_template_global(csp_nonce)

    @app.after_request
    def security_headers(response):
        for header, value in FIXED_HEADERS.items():
            response.headers.setdefault(header, value)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
