"""Command-line tools: `flask --app app create-user …`, `seed …` and `cleanup`."""

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from extensions import db
from models import Customer, Role, User
from models.core.base import utcnow
from models.core.custom_fields import ensure_custom_field_indexes
from models.core.staff_sessions import end_all_sessions
from models.core.two_factor import turn_off
from models.core.users import password_problem
from models.customers.rules import email_problem
from models.data.import_staging import remove_expired_imports


@click.command("create-user")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.office.value)
@click.option("--name", default=None, help="Display name (defaults to the email's local part).")
def create_user(email: str, password: str, role: str, name: str | None) -> None:
    """Create a staff login, or reset the password and role of an existing one. The email and
    password must pass the same checks as on the Users page."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    name = name or (user.name if user else email.split("@")[0])
    problem = email_problem(email) or ("Enter the email." if not email else None)
    if problem:
        raise click.BadParameter(problem, param_hint="EMAIL")
    problem = password_problem(password, email, name)
    if problem:
        raise click.BadParameter(problem, param_hint="'--password'")
    if user is None:
        user = User(email=email, active=True)
        db.session.add(user)
    user.name = name
    user.role = Role(role)
    user.set_password(password)
    db.session.commit()
    click.echo(f"User {email} ({role}) is ready.")


@click.command("reset-2fa")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Turn off a user's two-factor login (a lost phone) and end their sessions: they log in
    with their password and set it up again."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.BadParameter(f"No user has the email {email}.", param_hint="EMAIL")
    turn_off(db.session, user, action="two-factor reset")
    end_all_sessions(db.session, user)
    db.session.commit()
    click.echo(f"Two-factor login is off for {user.email}; their sessions are ended.")


@click.command("seed")
@click.option("--customers", default=50, show_default=True, help="Customers to add.")
@click.option("--random-seed", type=int, default=None, help="Make the demo data repeatable.")
@click.option("--if-empty", is_flag=True, help="Only when there are no customers yet.")
def seed_command(customers: int, random_seed: int | None, if_empty: bool) -> None:
    """Add default lookups (once) and demo customers with everything they can have."""
    from seed.demo import seed_demo_data

    if if_empty and db.session.scalar(select(func.count()).select_from(Customer)):
        click.echo("Customers exist already: no demo data added.")
        return
    counts = seed_demo_data(db.session, customers=customers, random_seed=random_seed)
    db.session.commit()
    click.echo("Seeded: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


@click.command("cleanup")
def cleanup_command() -> None:
    """Remove what is left behind: CSV files staged for an import past IMPORT_STAGING_HOURS.
    Safe to run at any time, e.g. hourly from cron; each kind of leftover says what went."""
    config = current_app.config
    hours = config["IMPORT_STAGING_HOURS"]
    removed = remove_expired_imports(config["IMPORT_FOLDER"], utcnow(), hours)
    for path in removed:
        click.echo(f"Removed {path}")
    files = f"{len(removed)} file{'' if len(removed) == 1 else 's'}"
    click.echo(f"Staged imports: {files} older than {hours:g} hours removed.")


@click.command("custom-field-indexes")
def custom_field_indexes_command() -> None:
    """Make the customer list's index of each live customer custom field where it is missing
    (after restoring a backup into a fresh schema, say). Safe to run at any time."""
    keys = ensure_custom_field_indexes(db.session.connection())
    db.session.commit()
    click.echo(f"Custom field indexes: {len(keys)} in place ({', '.join(keys) or 'none'}).")


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(seed_command)
    app.cli.add_command(reset_two_factor)
    app.cli.add_command(cleanup_command)
    app.cli.add_command(custom_field_indexes_command)
