"""create_app(): the Flask application factory. Registers extensions, the panel and the CLI."""

from __future__ import annotations

import gc
from pathlib import Path

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

import cli
import settings
from admin_views import init_admin
from admin_views.core.auth import CHECKS_OWN_LOGIN, load_user
from admin_views.core.auth import bp as auth_bp
from admin_views.core.error_pages import init_error_pages
from admin_views.core.security_headers import init_security_headers
from admin_views.portal.pages import init_portal
from extensions import csrf, db, limiter, login_manager, migrate
from models import act_as
from models.core.base import MAX_ROW_ID
from models.core.formats import use_house_format
from models.core.two_factor import REQUIREMENTS
from models.customers import phones

ROOT = Path(__file__).resolve().parent


class RowId(IntegerConverter):
    """`<int:…>` in routes: ids past a 32-bit INTEGER key match nothing (404), instead of
    reaching PostgreSQL, which refuses them with an error (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="admin_views/templates",
        static_folder="admin_views/static",
        instance_path=str(ROOT / "instance"),
    )
    app.url_map.converters["int"] = RowId  # before any route is added
    app.config.update(settings.from_environment(Path(app.instance_path), ROOT))
    app.config.update(config or {})
    if app.config["REQUIRE_2FA"] not in REQUIREMENTS:
        raise ValueError(f"REQUIRE_2FA must be one of {', '.join(REQUIREMENTS)}.")
    phones.set_default_region(app.config["PHONE_REGION"])
    use_house_format(app.config["CURRENCY"], app.config["LOCALE"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to open the panel."
    app.register_blueprint(auth_bp)
    init_security_headers(app)
    init_error_pages(app, init_admin(app))
    init_portal(app)
    cli.register(app)

    login_manager.user_loader(load_user)

    @app.before_request
    def attribute_changes_to_user() -> None:
        if request.endpoint not in CHECKS_OWN_LOGIN:  # they change nothing worth a name
            act_as(db.session, current_user if current_user.is_authenticated else None)

    @app.before_request
    def refuse_nul_in_query_string():
        # No one types a NUL character, PostgreSQL text cannot hold one, and a search or
        # filter holding one is an error there: refuse it before any view looks it up.
        if any("\x00" in key + value for key, value in request.args.items(multi=True)):
            abort(
                400,
                description="The address holds a NUL character (%00), which no search, filter "
                "or field takes: nothing was looked up or changed. Go back and type it again.",
            )

    @app.route("/")
    def home():
        return redirect(url_for("admin.index"))

    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for it at the root whatever a page says: answered, not a 404 each page.
        return app.send_static_file("favicon.ico")

    if not app.testing:
        # Start-up leaves ~200,000 objects (views, forms, mappers) that live as long as the
        # process; frozen, a full collection no longer walks them (115-190 ms each time, paid by
        # whichever request sets it off). Not in tests: each test's app would outlive its test.
        gc.collect()
        gc.freeze()
    return app
