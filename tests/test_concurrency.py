"""Two loads at once, a load while another process holds the database, and a load killed with SIGKILL midway.

Each scenario runs the real command line (`python -m etl load … --db …`) in separate processes against one
database. Afterwards the database opens, no return is half stored (every `returns` row has all its typed rows,
raw rows and its event), every archived file is whole, and every file is either stored or, loaded again, stored
or recognised as a duplicate. A lock file left behind by a killed process does not block: filelock takes an OS
lock (flock) that the kernel releases with the process.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import filelock
import pytest

from etl import db
from etl.rules import quarter_bounds
from etl.store import load_return
from tests.make_fixtures import copy_database
from tests.workbooks import activity, activity_book, plan_book

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
DEPARTMENTS = ("中小学", "农业站", "科协", "财政所")
BUSY = "数据库正被其他导入占用，请稍后再试。"
# The command line with a 1-second lock timeout (db.LOCK_TIMEOUT_S is 120 s and has no setting of its own).
SHORT_TIMEOUT_CLI = ("import sys, etl.db as d; d.connect.__wrapped__.__defaults__ = (None, 1.0); "
                     "from etl.__main__ import main; sys.exit(main(sys.argv[1:]))")
# Holds etl.db.connect until a line arrives on its stdin (or it is killed): no timer to race against.
HOLDER = ("import sys\nfrom etl import db\nwith db.connect(sys.argv[1]):\n"
          "    print('held', flush=True)\n    sys.stdin.readline()\nprint('released', flush=True)\n")
# The command line, saying 'waiting' on stderr when it finds the lock taken and has to wait for it.
ANNOUNCING_CLI = ("import sys, filelock, etl.db as d\n"
                  "class Announcing(d.FileLock):\n"
                  "    def acquire(self, *args, **kwargs):\n"
                  "        if not args and not kwargs:\n"
                  "            try:\n"
                  "                return super().acquire(blocking=False)\n"
                  "            except filelock.Timeout:\n"
                  "                print('waiting', file=sys.stderr, flush=True)\n"
                  "        return super().acquire(*args, **kwargs)\n"
                  "d.FileLock = Announcing\n"
                  "from etl.__main__ import main\nsys.exit(main(sys.argv[1:]))\n")


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    db_file = tmp_path_factory.mktemp("planned") / "w.duckdb"
    assert load_return(plan_book(), "plan.xlsx", db_file).status == "stored"
    return db_file


pytestmark = pytest.mark.slow


@pytest.fixture
def db_file(planned, tmp_path) -> Path:
    return copy_database(planned, tmp_path / "db")


@pytest.fixture(scope="module")
def returns_folder(tmp_path_factory) -> list[Path]:
    """48 activity returns (4 departments × 12 quarters of 2021–2023), 30 activities each."""
    folder = tmp_path_factory.mktemp("returns")
    paths = []
    for department in DEPARTMENTS:
        for year in (2021, 2022, 2023):
            for quarter in (1, 2, 3, 4):
                start = quarter_bounds(year, quarter)[0] + dt.timedelta(days=5)
                rows = [activity(i, start=start) for i in range(1, 31)]
                path = folder / f"activity_{year}Q{quarter}_{department}.xlsx"
                path.write_bytes(activity_book(rows, department=department, year=year, quarter=quarter))
                paths.append(path)
    return paths


def cli(*args: str, short_timeout: bool = False, announcing: bool = False) -> subprocess.Popen:
    command = ([sys.executable, "-c", SHORT_TIMEOUT_CLI] if short_timeout else
               [sys.executable, "-c", ANNOUNCING_CLI] if announcing else [sys.executable, "-m", "etl"])
    return subprocess.Popen([*command, *args], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def hold(db_file: Path) -> subprocess.Popen:
    """A process that keeps etl.db.connect open until told (`release`) or killed; returns once it holds the lock."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_file)], cwd=ROOT, env=ENV, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held", holder.stderr.read()
    return holder


def release(holder: subprocess.Popen) -> str:
    """Tell the holder to close its connection; its last words ('released')."""
    out, err = holder.communicate("\n", timeout=60)
    assert holder.returncode == 0, err
    return out.strip()


def assert_whole(db_file: Path) -> dict[str, int]:
    """The database opens at once; no return is half stored; every archived file is whole."""
    with db.connect(db_file, timeout=5) as con:
        broken = con.execute("""
            select r.return_id, r.return_key, r.row_count,
                   (select count(*) from activities a where a.return_id = r.return_id) as typed,
                   (select count(*) from survey_responses s where s.return_id = r.return_id) as responses,
                   (select count(*) from raw_rows w where w.return_id = r.return_id) as raw,
                   (select count(*) from return_events e where e.return_id = r.return_id) as events
            from returns r where r.kind <> 'plan'
              and not (r.row_count = typed + responses and r.row_count = raw and events >= 1)""").fetchall()
        assert broken == [], broken
        orphans = con.execute("select count(*) from activities where return_id not in (select return_id from returns)"
                              ).fetchone()[0]
        assert orphans == 0
        twice = con.execute("select return_key from returns group by return_key having count(*) > 1 "
                            "or sum(is_current::int) <> 1").fetchall()
        assert twice == [], twice
        stored = dict(con.execute("select sha256, row_count from returns where kind = 'activity'").fetchall())
        archived = [r[0] for r in con.execute("select archive_path from returns").fetchall()]
    for path in archived:
        assert Path(path).exists() or (db.archive_dir(db_file) / Path(path).name).exists(), path
    for path in db.archive_dir(db_file).glob("*.xlsx"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, f"truncated archive {path.name}"
    return stored


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- two uploads at the same moment ------------------------------------------------------------------------------

def test_two_processes_load_different_returns_at_the_same_moment(db_file, returns_folder):
    first, second = returns_folder[0], returns_folder[-1]
    processes = [cli("load", str(first), "--db", str(db_file)), cli("load", str(second), "--db", str(db_file))]
    results = [finish(p) for p in processes]
    for code, out, err in results:
        assert code == 0 and "已入库" in out, out + err
    assert set(assert_whole(db_file)) == {sha(first), sha(second)}


def test_two_processes_load_the_same_file_at_the_same_moment(db_file, returns_folder):
    path = returns_folder[5]
    results = [finish(p) for p in [cli("load", str(path), "--db", str(db_file)) for _ in range(2)]]
    assert [code for code, _, _ in results] == [0, 0], results
    outputs = sorted(out for _, out, _ in results)
    assert sum("已入库" in out for out in outputs) == 1 and sum("重复文件" in out for out in outputs) == 1, outputs
    assert list(assert_whole(db_file)) == [sha(path)]


# --- a load while another process holds the database -------------------------------------------------------------

def test_a_load_waits_for_the_lock_and_then_succeeds(db_file, returns_folder):
    holder = hold(db_file)
    loader = cli("load", str(returns_folder[1]), "--db", str(db_file), announcing=True)
    assert loader.stderr.readline().strip() == "waiting"  # it found the database held …
    assert loader.poll() is None  # … and has not finished while it is held
    assert release(holder) == "released"
    code, out, err = finish(loader)
    assert code == 0 and "已入库" in out, out + err
    assert list(assert_whole(db_file)) == [sha(returns_folder[1])]


def test_a_load_past_the_lock_timeout_is_refused_with_the_busy_message(db_file, returns_folder):
    before = assert_whole(db_file)
    holder = hold(db_file)
    try:
        code, out, err = finish(cli("load", str(returns_folder[2]), "--db", str(db_file), short_timeout=True))
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert code != 0 and BUSY in out + err, out + err
    assert assert_whole(db_file) == before


def test_the_busy_message_is_the_clis_answer_not_a_traceback(db_file, returns_folder):
    holder = hold(db_file)
    try:
        code, out, err = finish(cli("load", str(returns_folder[2]), "--db", str(db_file), short_timeout=True))
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert code == 1 and BUSY in out + err and "Traceback" not in err, err


# --- a loading process killed midway -----------------------------------------------------------------------------

def test_a_load_killed_midway_leaves_no_half_stored_return(db_file, returns_folder):
    version_file = Path(str(db_file) + ".version")
    initial = version_file.read_text()
    names = [str(p) for p in returns_folder]
    kills = 0
    for delay in (0.05, 0.3, 0.6):
        loader = cli("load", *names, "--db", str(db_file))
        deadline = time.monotonic() + 30
        while version_file.read_text() == initial and loader.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # wait for the first commit of this round, so that the kill lands mid-load
        time.sleep(delay)
        if loader.poll() is None:
            loader.send_signal(signal.SIGKILL)
            kills += 1
        loader.communicate(timeout=30)
        initial = version_file.read_text()
        stored = assert_whole(db_file)  # the database opens at once: the killed process's lock is gone
        assert set(stored) <= {sha(p) for p in returns_folder}
    assert kills >= 1, "every load finished before it could be killed"
    code, out, err = finish(cli("load", *names, "--db", str(db_file)), timeout=120)
    assert code == 0, out + err
    lines = [line for line in out.splitlines() if line.startswith("activity_")]
    assert len(lines) == len(returns_folder)
    assert all("已入库" in line or "重复文件" in line for line in lines), out
    assert sum("重复文件" in line for line in lines) == len(stored)
    assert set(assert_whole(db_file)) == {sha(p) for p in returns_folder}


# --- a stale lock file does not block ----------------------------------------------------------------------------

def test_a_lock_file_left_by_a_killed_process_does_not_block(db_file):
    assert filelock.FileLock is filelock.UnixFileLock  # an OS lock (flock), not a "file exists" soft lock
    holder = hold(db_file)
    lock_file = Path(str(db_file) + ".lock")
    with pytest.raises(db.DatabaseBusy, match=BUSY):
        with db.connect(db_file, timeout=0.5):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert lock_file.exists()  # the file stays behind …
    with db.connect(db_file, timeout=0) as con:  # … and does not block: the lock is free at the first try
        assert con.execute("select count(*) from returns").fetchone()[0] == 1
