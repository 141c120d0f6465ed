"""The benchmarks still run (tiny sizes; timings are not asserted here — they are read as ratios in benchmarks/)."""
import pytest

from benchmarks.run import main


@pytest.mark.slow
def test_benchmarks_run_at_small_sizes():
    results = main(["--quick"])
    assert [r["case"] for r in results] == ["read", "check", "estimate", "load", "formulas", "survey_load"]
    assert all(r["ours_s"] > 0 and r["ratio"] > 0 for r in results)
    assert results[-1]["rows"] == 2_000 and results[-1]["memory_ratio"] > 0
    assert results[-1]["refresh_s"] > 0 and results[-1]["refresh_ratio"] == results[-1]["refresh_s"] / results[-1]["baseline_s"]
