"""Shared fixtures: the demo warehouse (loaded once per test session from data/sample) and an empty one."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# openpyxl writes its XML with lxml when lxml is installed (python-docx brings it), with its own writer otherwise;
# the committed fixtures (tests/make_fixtures.py) are the latter's bytes. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

from etl import bulk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT.parent / "shared" / "oracle"
DEMO_TODAY = "2026-03-31"


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory) -> Path:
    """The bundled demo workbooks loaded into a warehouse (read-only: copy it before changing anything)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    receipts = bulk.load_sample(path)
    refused = [r.to_text() for r in receipts if r.status != "stored"]
    assert not refused, refused
    return path


@pytest.fixture
def demo_db(demo_db_master, tmp_path) -> Path:
    """A private copy of the demo warehouse (with its archive) that a test may change."""
    target = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_master, target)
    archive = demo_db_master.parent / "archive"
    if archive.exists():
        shutil.copytree(archive, tmp_path / "archive")
    return target


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """A warehouse holding only the plan fixture (tests/fixtures/plan.xlsx), shared by a module's tests."""
    from tests.make_fixtures import database_with_plan
    return database_with_plan(tmp_path_factory.mktemp("planned"))


@pytest.fixture
def db_file(planned, tmp_path) -> Path:
    """A database of this test's own, holding the plan fixture (tests/fixtures/plan.xlsx)."""
    from tests.make_fixtures import copy_database
    return copy_database(planned, tmp_path / "db")


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """A warehouse file with the schema and nothing in it."""
    from etl import db
    path = tmp_path / "empty.duckdb"
    with db.connect(path):
        pass
    return path


@pytest.fixture
def app_env(monkeypatch):
    """Point the app at a given warehouse: app_env(path) sets KEXUE_DB (and no users file)."""
    def use(path: Path) -> Path:
        monkeypatch.setenv("KEXUE_DB", str(path))
        # "Today" for the app's default as-of date: after every demo return had come in (the last in Feb 2026).
        monkeypatch.setenv("KEXUE_TODAY", DEMO_TODAY)
        monkeypatch.setenv("KEXUE_USERS", str(Path(path).parent / "no-users.yaml"))
        return path
    return use


# The longest files first: pytest-xdist (--dist loadfile) hands whole files to its workers in this order, so the
# browser and other long files start at once and the short ones fill in behind them, instead of one long file
# running alone at the end.
LONG_FIRST = ("test_browser_layout.py", "test_browser_slides.py", "test_marts.py", "test_benchmarks_run.py",
              "test_browser.py", "test_marts_pool.py", "test_reports.py", "test_migrations.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: index for index, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FIRST)))  # stable: the rest keep their order
