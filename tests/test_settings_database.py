"""The database settings read from the environment: PostgreSQL's per-connection options
and the refusal of a value PostgreSQL would only reject at the first connection."""

from __future__ import annotations

import os
import subprocess
import sys

SHOW_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"


def _settings(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("REDRESS_PG_")}
    environ.update(DJANGO_SETTINGS_MODULE="redress.settings",
                   REDRESS_DATABASE_URL="postgres://postgres@127.0.0.1/redress_settings_only", **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + SHOW_OPTIONS],
                          env=environ, capture_output=True, text=True, timeout=60)


def test_postgresql_connections_run_without_jit_with_room_for_a_search_bitmap_and_priced_for_memory():
    done = _settings()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["-c", "jit=off", "-c", "work_mem=16MB", "-c", "random_page_cost=1.1"]


def test_the_work_memory_can_be_set_for_the_installation():
    done = _settings(REDRESS_PG_WORK_MEM="64MB")
    assert done.returncode == 0, done.stderr
    assert "work_mem=64MB" in done.stdout


def test_a_work_memory_that_is_not_a_size_is_refused_naming_the_variable():
    for wrong in ("lots", "16 MB", "0MB", "16mb", "16MB -c fsync=off"):
        done = _settings(REDRESS_PG_WORK_MEM=wrong)
        assert done.returncode != 0, wrong
        assert "REDRESS_PG_WORK_MEM must be a size such as 16MB" in done.stderr, wrong


def test_the_page_cost_can_be_set_and_must_be_a_positive_number():
    done = _settings(REDRESS_PG_RANDOM_PAGE_COST="4")
    assert done.returncode == 0, done.stderr
    assert "random_page_cost=4" in done.stdout
    for wrong in ("0", "cheap", "-1", "1.1 -c fsync=off"):
        done = _settings(REDRESS_PG_RANDOM_PAGE_COST=wrong)
        assert done.returncode != 0, wrong
        assert "REDRESS_PG_RANDOM_PAGE_COST must be a positive number such as 1.1" in done.stderr, wrong
