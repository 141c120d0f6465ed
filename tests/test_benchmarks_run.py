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
    floor = results[-1]
    assert floor["floor_proof_s"] > 0 and floor["floor_store_s"] > 0
    assert floor["floor_ratio"] == (floor["baseline_s"] + floor["floor_store_s"]) / floor["baseline_s"]


@pytest.mark.slow
def test_county_benchmark_runs_end_to_end_on_two_small_towns(tmp_path):
    """The county benchmark builds its warehouses through `python -m etl load` and reports every ratio of the issue's
    table beside its goal (2 towns × 5 years: 30 respondents a survey return, 5 activities a quarter)."""
    from benchmarks.county import run
    result = run(0.0001, tmp_path, repeat=1, load_rows=300, towns=2, pages=("总览",))  # one page: the suite's time
    assert (result["files"], result["respondents"], result["activities"]) == (51, 2 * 5 * 30, 2 * 5 * 4 * 5)
    measures = [g["measure"] for g in result["goals"]]
    assert measures == ["300行调查表入库 ÷ calamine读取（时间）", "300行调查表入库 ÷ calamine读取（峰值内存）",
                        "县级导出 ÷ 一次DuckDB聚合（时间）", "县级导出峰值内存（MB）", "演示数据导出 ÷ 一次DuckDB聚合（时间）",
                        "总览首次打开：县级 ÷ 演示"]
    assert all(g["value"] > 0 and g["met"] == (g["value"] <= g["goal"]) for g in result["goals"])
    assert result["survey_load"]["rows"] == 300
