"""List counts that stay cheap on big tables: counting stops at COUNT_CAP rows.

Counting every one of a million matching rows costs a scan of them all, on every list page, to
print a number nobody reads past "lots". Beyond the cap the list shows "10,000+" and pages
through the first 10,000 rows; a search or filter narrows it, as staff do anyway.
"""

from sqlalchemy import func, literal
from sqlalchemy.orm import Query

COUNT_CAP = 10_000


class ListCount(int):
    """A row count that may have stopped at COUNT_CAP: reads "10,000+" then."""

    @property
    def capped(self) -> bool:
        return self > COUNT_CAP

    def __str__(self) -> str:
        return f"{COUNT_CAP:,}+" if self.capped else f"{int(self):,}"


def capped(count: int) -> ListCount:
    """A count made in full (a search counts its matches as it sorts them), shown and paged
    as the capped counts are."""
    return ListCount(min(count, COUNT_CAP + 1))


class CappedCountQuery(Query):
    """Flask-Admin's count query, filtered and searched as the list is, counted up to the cap:
    `SELECT count(*) FROM (SELECT 1 FROM … WHERE … LIMIT 10001)`."""

    def scalar(self) -> ListCount:
        rows = self.with_entities(literal(1)).limit(COUNT_CAP + 1).subquery()
        return capped(self.session.query(func.count()).select_from(rows).scalar())


def capped_count_query(session, model) -> CappedCountQuery:
    return CappedCountQuery([func.count()], session=session).select_from(model)
