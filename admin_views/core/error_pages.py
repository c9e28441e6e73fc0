"""Error pages people can read: what happened in one plain sentence and a way back, inside the
panel's frame for a logged-in user, the login page's frame for anyone else and the portal's
frame on portal addresses; never a traceback or the server's own wording.

Flask already logs an unhandled exception (`app.logger`, with its traceback) before the 500
page is drawn, so the page itself only says something went wrong.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, render_template, request, url_for
from flask_admin import Admin, BaseView
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from admin_views.core.guesses import TOO_MANY
from admin_views.portal import pages as portal
from settings import MEGABYTE


@dataclass(frozen=True)
class ErrorPage:
    title: str
    sentence: str  # may name {upload_limit}


FORM_EXPIRED = ErrorPage(
    "Form expired",
    "This form has expired or did not come from this site. Go back, reload the page and try again.",
)
ERROR_PAGES = {
    400: ErrorPage(
        "Bad request", "The page could not make sense of what was sent. Go back and try again."
    ),
    403: ErrorPage(
        "Not allowed", "Your login does not open this page. Ask an admin if you need it."
    ),
    404: ErrorPage(
        "Not found", "There is nothing at this address: the link may be old or mistyped."
    ),
    405: ErrorPage(
        "Not available this way",
        "This address does not answer that kind of request: "
        "open it from a link or a button in the panel.",
    ),
    413: ErrorPage(
        "File too large",
        "That upload is larger than the {upload_limit} limit: nothing was stored. "
        "Go back and choose a smaller file.",
    ),
    429: ErrorPage("Too many attempts", TOO_MANY),
    500: ErrorPage(
        "Something went wrong",
        "The panel could not finish this request. Try again in a moment; if it keeps "
        "happening, tell your administrator what you were doing and when.",
    ),
}


def init_error_pages(app: Flask, admin: Admin) -> None:
    # Drawn by a copy of the dashboard's view: the panel's frame and menu, with no menu entry
    # marked as the page the user is on.
    view = copy.copy(admin.index_view)

    def show_error(error: HTTPException):
        page = FORM_EXPIRED if isinstance(error, CSRFError) else ERROR_PAGES[error.code]
        if request.is_json:  # a page's script asked: it shows the sentence, not a page
            return jsonify(error=message_for(error, page)), error.code
        return render_error(view, page.title, message_for(error, page)), error.code

    def message_for(error: HTTPException, page: ErrorPage) -> str:
        worded = page is not FORM_EXPIRED and error.description != type(error).description
        if worded and error.code < 500:
            return error.description  # a refusal the page worded itself
        upload_limit = app.config["MAX_CONTENT_LENGTH"] / MEGABYTE
        return page.sentence.format(upload_limit=f"{upload_limit:g} MB")

    for code in ERROR_PAGES:
        app.register_error_handler(code, show_error)
    app.register_error_handler(CSRFError, show_error)


def render_error(view: BaseView, title: str, message: str) -> str:
    if request.path.startswith(f"{portal.portal_bp.url_prefix}/"):
        if g.get("portal_link") is not None:
            return portal.render("portal/message.html", title=title, message=message)
        return render_template("portal/message.html", title=title, message=message)
    if current_user.is_authenticated:
        ways_back = [("Back to the dashboard", url_for("admin.index"))]
        came_from = same_site_referrer()
        if came_from:
            ways_back.append(("Back", came_from))
        return view.render("error.html", title=title, message=message, ways_back=ways_back)
    return render_template(
        "error.html",
        title=title,
        message=message,
        ways_back=[("Go to the login page", url_for("auth.login"))],
    )


def same_site_referrer() -> str | None:
    """The page the user came from, as a path, when it is on this site and not this page."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or parts.path == request.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
