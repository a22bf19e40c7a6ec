"""Rows as the database driver hands them over, without Django's iterator."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def driver_rows(qs: QuerySet):
    """The rows of a values_list query as tuples straight from the driver when no column
    needs Django's conversion (ids never do; on PostgreSQL none of reports/records.py's
    columns): Django's iterator costs more a row than the tuple itself (an export reads
    some seven rows a complaint; "needs my action" 15,500 ids, ~5 ms). Otherwise the
    query itself, for Django to convert (SQLite's times, a JSON field)."""
    compiler = qs.query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    if compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]]):
        return qs
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
