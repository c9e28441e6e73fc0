"""CSV files staged for an import (seed 004 "Bulk upload work addresses"): on disk between the
upload and the import, never in the session cookie. `<customer id>-<token>.csv` is the file,
`.json` beside it its original name and, once an import of it started, the columns it was
started with; `.progress.json` says how far the import got. The token opens the file only on
the customer it was uploaded for, and says when it was uploaded.

The files go only once their import committed. While an import runs it holds a lock on the
file, which the system lets go if the process dies: a file whose import started and whose lock
is free was being imported by a process that was killed, with nothing written (an import is
one transaction), and can be imported again or discarded. A staged file expires some hours
after its upload (IMPORT_STAGING_HOURS); `remove_expired_imports` removes the expired files.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core.errors import DomainError

# The upload's time (seconds, hex), then the random part.
TOKEN = re.compile(r"(?P<staged>[0-9a-f]{8,12})-[A-Za-z0-9_-]{20,}")
SUFFIXES = (".csv", ".json", ".json.tmp", ".progress.json", ".progress.json.tmp")


class ImportExpired(DomainError):
    """The staged file is past its time; it is (or will be) removed."""

    def __init__(self, hours: float):
        super().__init__(f"This import expired after {hours:g} hours: upload the file again.")


class ImportInUse(DomainError):
    """Another request is importing the file, or has just imported it."""

    def __init__(self):
        super().__init__("This file is being imported, or has just been imported.")


@dataclass(frozen=True)
class StagedImport:
    data: bytes
    filename: str
    # The columns of an import of this file that started and was killed before it finished.
    interrupted: dict[int, str | None] | None


class ImportStore:
    """The imports staged in one folder, each expiring `hours` after its upload."""

    def __init__(self, folder: str | Path, hours: float):
        self.folder = Path(folder)
        self.hours = hours

    def _path(self, customer_id: int, token: str, suffix: str) -> Path:
        return self.folder / f"{customer_id}-{token}{suffix}"

    def save(self, customer_id: int, data: bytes, filename: str, now: datetime) -> str:
        """Stages the file and returns its token; expired files go first."""
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_expired_imports(self.folder, now, self.hours)
        token = f"{int(now.timestamp()):x}-{secrets.token_urlsafe(24)}"
        self._path(customer_id, token, ".csv").write_bytes(data)
        self._write_about(customer_id, token, {"filename": filename})
        return token

    def load(self, customer_id: int, token: str, now: datetime) -> StagedImport | None:
        """The staged file, or None: an unknown token, another customer's, or a file imported
        or discarded already. Refuses an expired one, removed or not yet."""
        match = TOKEN.fullmatch(token)
        if match is None:
            return None
        staged_at = datetime.fromtimestamp(int(match["staged"], 16), UTC)
        if now - staged_at > timedelta(hours=self.hours):
            raise ImportExpired(self.hours)
        path = self._path(customer_id, token, ".csv")
        try:
            data = path.read_bytes()
            about = json.loads(self._path(customer_id, token, ".json").read_text())
        except (OSError, ValueError):
            return None
        started = about.get("started")
        interrupted = None
        if started is not None and not _locked(path):
            interrupted = {int(index): name for index, name in started.items()}
        return StagedImport(data, str(about.get("filename") or "a CSV file"), interrupted)

    @contextmanager
    def importing(self, customer_id: int, token: str, columns: dict[int, str | None]) -> Iterator:
        """Holds the file for one import, the block: commit inside it, then `discard`. An
        error in the block gives the file back as it was; a killed process leaves it started,
        and free, for another try."""
        with self._held(customer_id, token):
            about = json.loads(self._path(customer_id, token, ".json").read_text())
            self._write_about(customer_id, token, {**about, "started": columns})
            try:
                yield
            except Exception:
                self._write_about(customer_id, token, about)  # refused, not killed
                raise

    def discard_unless_importing(self, customer_id: int, token: str) -> None:
        """Discards a file no import holds: a running import would still commit its rows."""
        with self._held(customer_id, token):
            self.discard(customer_id, token)

    @contextmanager
    def _held(self, customer_id: int, token: str) -> Iterator:
        """The file's lock, for the block; refused while another request holds it, or once
        the request that held it discarded the file."""
        path = self._path(customer_id, token, ".csv")
        try:
            file = path.open("rb")
        except FileNotFoundError:
            raise ImportInUse() from None
        with file:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.stat(path).st_ino != os.fstat(file.fileno()).st_ino:
                    raise FileNotFoundError(path)  # discarded between our open and our lock
            except (BlockingIOError, FileNotFoundError):
                raise ImportInUse() from None
            yield

    def _write_about(self, customer_id: int, token: str, about: dict) -> None:
        _write_whole(self._path(customer_id, token, ".json"), json.dumps(about))

    def write_progress(self, customer_id: int, token: str, done: int, total: int) -> None:
        path = self._path(customer_id, token, ".progress.json")
        _write_whole(path, json.dumps({"done": done, "total": total}))

    def read_progress(self, customer_id: int, token: str) -> dict:
        try:
            return json.loads(self._path(customer_id, token, ".progress.json").read_text())
        except (OSError, ValueError):
            return {"done": 0, "total": None}

    def discard(self, customer_id: int, token: str) -> None:
        for suffix in SUFFIXES:
            self._path(customer_id, token, suffix).unlink(missing_ok=True)


def remove_expired_imports(folder: str | Path, now: datetime, hours: float) -> list[Path]:
    """Removes the files staged in `folder` more than `hours` before `now`; returns them."""
    cutoff = (now - timedelta(hours=hours)).timestamp()
    removed = []
    try:
        paths = sorted(Path(folder).iterdir())
    except FileNotFoundError:
        return removed
    for path in paths:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            pass  # removed by a concurrent clean-up
    return removed


def _locked(path: Path) -> bool:
    """Whether an import holds the file. The probe holds a shared lock for an instant: an
    import starting in that instant is told the file is in use, and can be run again."""
    try:
        with path.open("rb") as file:
            fcntl.flock(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except FileNotFoundError:
        return False
    return False


def _write_whole(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text)
    os.replace(partial, path)  # a reader never reads half a file
