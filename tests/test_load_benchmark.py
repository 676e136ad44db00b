"""bench/load.py runs end to end at a small size: two seeded databases, the app, the peer page and the
bare endpoint each served by gunicorn with the deployment settings, wrk driving every page. The figures
are the benchmark's business; this checks that every page was measured, answered, and reported."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| (?P<label>.+?) +\| +(?P<p50>[0-9.]+) \| +(?P<p95>[0-9.]+) \| +(?P<heavy>[0-9.]+) \| +"
                 r"(?P<rps>[0-9]+) \| +(?P<peer>[0-9.]+)× \|$")
PEER = "peer: Mega-Tutorial list (bench/peer.py)"
PAGES = {"bare Flask JSON endpoint (bench/bare.py)", PEER, "GET / (the reviewer's home)",
         "GET / (a user with several roles)", "GET /debriefs",
         "GET /debriefs?page=<halfway>", "GET /debriefs?status=open", "GET /debriefs/<id>", "GET /recommendations/<id>",
         "GET /my-actions (as the owner)", "GET /learning-queue", "GET /board", "GET /board/dashboard",
         "GET /reports/partner-engagement", "GET /api/v1/debriefs?per_page=100", "GET /api/v1/debriefs/<id>",
         "GET /api/v1/recommendations?per_page=100", "GET /api/v1/recommendations?overdue=true",
         "GET /api/v1/board/summary"}


def test_the_load_benchmark_runs_end_to_end_at_a_small_size(tmp_path):
    assert shutil.which("wrk"), "wrk is missing: bin/test installs it (apt-get install wrk)"
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or f"sqlite:///{tmp_path / 'load.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--sizes", "20", "40", "--seconds", "2",
         "--warm-up", "1", "--database-url", server],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr

    assert 0 < result.stdout.index("\n20 debriefs on ") < result.stdout.index("\n40 debriefs on ")
    tables = result.stdout.split(" debriefs on ")[1:]
    assert len(tables) == 2
    for table in tables:
        rows = {m["label"]: m for m in map(ROW.match, table.splitlines()) if m}
        assert set(rows) == PAGES, table
        for row in rows.values():
            assert float(row["p50"]) > 0 and float(row["p95"]) >= float(row["p50"]) and int(row["rps"]) > 0
        assert rows[PEER]["peer"] == "1.00"
    # The targets, judged at the larger size against the smaller, with a verdict either way.
    assert "Targets at 40 debriefs" in result.stdout and "p50 growth against 20" in result.stdout
    assert re.search(r"^(Every target met\.|[0-9]+ targets missed: )", result.stdout, re.MULTILINE)
