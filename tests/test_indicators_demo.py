"""The demo town's yearly literacy rate and urban–rural gap, against an independent computation in this test.

The independent side reads the stored rows with plain SQL, post-stratifies inside each key group with its own
loops (steps 1–4 of INDICATORS.md "Weights" written again, respondents outside coverage left out), and computes the stratified Taylor variance in plain Python. It
never calls indicators/.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from etl import db
from indicators import survey

BANDS = ["0–17", "18–29", "30–39", "40–49", "50–59", "60–69", "70+"]


def band(age: int) -> str:
    for limit, name in ((18, "0–17"), (30, "18–29"), (40, "30–39"), (50, "40–49"), (60, "50–59"), (70, "60–69")):
        if age < limit:
            return name
    return "70+"


def _merge_bands(bands, n_of, p_of):
    """Step 1 by hand: the youngest unit with < 2 respondents or no population joins its younger neighbour."""
    units = [[b] for b in bands]
    while len(units) > 1:
        weak = [i for i, u in enumerate(units) if sum(n_of(b) for b in u) < 2 or sum(p_of(b) for b in u) <= 0]
        if not weak:
            break
        i = weak[0]
        j = i - 1 if i else 1
        lo, hi = min(i, j), max(i, j)
        units[lo:hi + 1] = [units[lo] + units[hi]]
    return units


def independent_weights(rows, population):
    """Post-stratify by hand inside each key group (steps 1–4 of INDICATORS.md); None = outside coverage."""
    surveyed = {band(r["age"]) for r in rows}
    count, pop = defaultdict(int), defaultdict(int)
    for r in rows:
        count[(r["group"], r["residence"], r["sex"], band(r["age"]))] += 1
    for key, p in population.items():
        if key[3] in surveyed:
            pop[key] += p
    cell_of = {}
    for g in {r["group"] for r in rows}:
        keys = [k for k in set(count) | set(pop) if k[0] == g and (count[k] or pop[k])]

        def thin(match, keys=keys):
            return sum(count[k] for k in keys if match(k)) < 2 or sum(pop[k] for k in keys if match(k)) <= 0
        if thin(lambda k: True):
            continue                                                         # step 4: the group is left out
        bands = sorted({k[3] for k in keys}, key=BANDS.index)
        places = sorted({k[1] for k in keys})
        if any(thin(lambda k, r=r: k[1] == r) for r in places):
            columns = [(None, None)]                                         # step 3: pool 城乡 and 性别
        else:
            columns = []
            for r in places:
                sexes = sorted({k[2] for k in keys if k[1] == r})
                if any(thin(lambda k, r=r, s=s: k[1] == r and k[2] == s) for s in sexes):
                    columns.append((r, None))                                # step 2: pool 性别
                else:
                    columns += [(r, s) for s in sexes]
        for r, s in columns:
            inside = [k for k in keys if r in (None, k[1]) and s in (None, k[2])]
            units = _merge_bands(bands, lambda b: sum(count[k] for k in inside if k[3] == b),
                                 lambda b: sum(pop[k] for k in inside if k[3] == b))
            for unit in units:
                for k in inside:
                    if k[3] in unit:
                        cell_of[k] = (g, r, s, tuple(unit))
    n_cell, p_cell = defaultdict(int), defaultdict(int)
    for k, cell in cell_of.items():
        n_cell[cell] += count[k]
        p_cell[cell] += pop[k]
    keys = [(r["group"], r["residence"], r["sex"], band(r["age"])) for r in rows]
    return [(p_cell[cell_of[k]] / n_cell[cell_of[k]], cell_of[k]) if k in cell_of else None for k in keys]


def domain_share(rows, weights, in_domain):
    """Weighted share and its stratified Taylor SE (each respondent its own PSU)."""
    wsum = sum(w for (w, _), r in zip(weights, rows) if in_domain(r))
    p = sum(w * r["literate"] for (w, _), r in zip(weights, rows) if in_domain(r)) / wsum
    z = [(w * (r["literate"] - p) / wsum if in_domain(r) else 0.0, s) for (w, s), r in zip(weights, rows)]
    return p, z


def variance(z_a, z_b=None):
    by_stratum = defaultdict(list)
    for i, (za, s) in enumerate(z_a):
        zb = za if z_b is None else z_b[i][0]
        by_stratum[s].append((za, zb))
    total = 0.0
    for values in by_stratum.values():
        n = len(values)
        ma = sum(a for a, _ in values) / n
        mb = sum(b for _, b in values) / n
        total += n / (n - 1) * sum((a - ma) * (b - mb) for a, b in values)
    return total


@pytest.fixture(scope="module")
def demo(demo_db_master):
    with db.connect(demo_db_master) as con:
        rows = con.execute(
            "select r.year, s.age, s.residence, s.sex, s.group_name, (s.score >= 70)::int as literate "
            "from survey_responses s join returns r using (return_id) where r.is_current order by s.return_id, s.row_no"
        ).fetchall()
        population = defaultdict(int)
        for g, res, sex, b, p in con.execute(
                "select group_name, residence, sex, age_band, sum(population) from plan_population "
                "where return_id = (select return_id from v_plan_return) group by all").fetchall():
            population[(g, res, sex, b)] = p
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period")
        gap = survey.urban_rural_gap(con, "2025-12-31").set_index("period")
    by_year = defaultdict(list)
    for year, age, res, sex, group, lit in rows:
        by_year[year].append({"age": age, "residence": res, "sex": sex, "group": group, "literate": lit})
    return by_year, population, rate, gap


def test_demo_has_five_survey_years_with_rising_rates_urban_above_rural(demo):
    by_year, _, rate, gap = demo
    assert sorted(by_year) == [2021, 2022, 2023, 2024, 2025]
    assert list(rate["value"]) == sorted(rate["value"])
    assert (gap["value"] > 0).all()


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025])
def test_town_rate_and_gap_agree_with_an_independent_computation(demo, year):
    by_year, population, rate, gap = demo
    weighted = [(r, w) for r, w in zip(by_year[year], independent_weights(by_year[year], population)) if w]
    rows, weights = [r for r, _ in weighted], [w for _, w in weighted]
    adult = lambda r: 18 <= r["age"] <= 69  # noqa: E731
    p, z = domain_share(rows, weights, adult)
    assert rate.loc[str(year), "value"] == pytest.approx(p, abs=1e-12)
    assert rate.loc[str(year), "se"] == pytest.approx(math.sqrt(variance(z)), rel=1e-9)
    assert rate.loc[str(year), "n"] == sum(1 for r in rows if adult(r))
    pu, zu = domain_share(rows, weights, lambda r: adult(r) and r["residence"] == "城镇")
    pr, zr = domain_share(rows, weights, lambda r: adult(r) and r["residence"] == "农村")
    se_gap = math.sqrt(variance(zu) + variance(zr) - 2 * variance(zu, zr))
    assert gap.loc[str(year), "value"] == pytest.approx(100 * (pu - pr), abs=1e-10)
    assert gap.loc[str(year), "se"] == pytest.approx(100 * se_gap, rel=1e-9)


def test_the_readme_states_the_town_rate_and_gap_and_every_year_covers_everybody(demo, demo_db_master):
    by_year, population, _, _ = demo
    stated = []
    for year in (2021, 2025):
        weighted = [(r, w) for r, w in zip(by_year[year], independent_weights(by_year[year], population)) if w]
        rows, weights = [r for r, _ in weighted], [w for _, w in weighted]
        assert len(rows) == len(by_year[year])                 # nobody outside coverage
        adult = lambda r: 18 <= r["age"] <= 69  # noqa: E731
        town = domain_share(rows, weights, adult)[0]
        urban = domain_share(rows, weights, lambda r: adult(r) and r["residence"] == "城镇")[0]
        rural = domain_share(rows, weights, lambda r: adult(r) and r["residence"] == "农村")[0]
        stated.append((f"{100 * town:.1f}", f"{100 * (urban - rural):.1f}"))
    assert stated == [("8.8", "7.9"), ("13.5", "6.9")]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert (f"is {stated[0][0]}% in 2021 and {stated[1][0]}% in 2025; the urban–rural gap narrows from "
            f"{stated[0][1]} to {stated[1][1]} percentage points") in readme
    # Every key group of the plan and every age band is surveyed every year: all residents aged 18–69 are covered.
    with db.connect(demo_db_master) as con:
        groups = {g for (g,) in con.execute("select group_name from v_plan_groups").fetchall()}
        coverage = survey.survey_coverage(con, "2025-12-31")
    for year, rows in by_year.items():
        assert {r["group"] for r in rows} == groups and {band(r["age"]) for r in rows} == set(BANDS)
    assert coverage == {str(y): "覆盖18–69岁常住人口的100.0%" for y in by_year}


def test_export_writes_every_code_of_the_spec_with_rows(demo_db_master, tmp_path):
    out = tmp_path / "export.json"
    done = subprocess.run([sys.executable, "-m", "indicators", "export", "--db", str(demo_db_master),
                           "--as-of", "2025-12-31", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["as_of"] == "2025-12-31" and document["generated_at"]
    from indicators.registry import INDICATORS
    codes = {r["code"] for r in document["rows"]}
    assert codes == {i.code for i in INDICATORS}
    row = next(r for r in document["rows"] if r["code"] == "literacy_rate" and r["period"] == "2024"
               and r["by"] == {"城乡": "农村"})
    assert set(row) == {"code", "period", "by", "value", "unit", "n", "se", "ci_low", "ci_high", "note"}
    assert row["unit"] == "share" and 0 < row["ci_low"] < row["value"] < row["ci_high"] < 1
    assert row["note"] == "覆盖18–69岁常住人口的100.0%"                  # the year's coverage, in every survey row
    town = [r for r in document["rows"] if r["code"] == "literacy_rate" and r["by"] == {}]
    assert [r["period"] for r in town] == ["2021", "2022", "2023", "2024", "2025"]
    # The file is spliced from the marts' JSON text; it holds exactly the rows export_rows parses, and says how many.
    from indicators.export import export_rows
    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        assert document["rows"] == export_rows(con, "2025-12-31")
    assert done.stdout.strip() == f"已导出{len(document['rows'])}行指标：{out}"


def test_export_json_counts_rows_by_their_first_key_even_when_a_note_quotes_one():
    import datetime as dt
    from indicators import export_file
    rows = [{"code": "a", "note": '{"code": "b"} 引号'}, {"code": "c", "note": None}]
    texts = [json.dumps(rows[:1], ensure_ascii=False), "[]", json.dumps(rows[1:], ensure_ascii=False)]
    spliced = export_file.join_rows(texts)
    document = json.loads(export_file.document(dt.date(2025, 12, 31), dt.datetime(2026, 1, 5, 9, 30), spliced))
    assert document == {"as_of": "2025-12-31", "generated_at": "2026-01-05T09:30:00", "rows": rows}
    assert export_file.count_rows(spliced) == 2


def test_xlsx_export_has_chinese_headers_one_sheet_per_family_and_no_formulas(demo_db_master, tmp_path):
    from openpyxl import load_workbook
    out = tmp_path / "export.xlsx"
    done = subprocess.run([sys.executable, "-m", "indicators", "export", "--db", str(demo_db_master),
                           "--as-of", "2025-12-31", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["科学素质", "科普活动与经费", "计划与进度", "报送情况"]
    header = [c.value for c in book["科学素质"][1]]
    assert header[:5] == ["指标", "指标代码", "期间", "分组", "数值"]
    assert not any(isinstance(c.value, str) and c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)
