"""The demo town's yearly literacy rate and urban–rural gap, against an independent computation in this test.

The independent side reads the stored rows with plain SQL, post-stratifies with its own loop over cells (the
merge rule written again from INDICATORS.md), and computes the stratified Taylor variance in plain Python. It
never calls indicators/.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import defaultdict

import pytest

from etl import db
from indicators import survey

BANDS = ["0–17", "18–29", "30–39", "40–49", "50–59", "60–69", "70+"]


def band(age: int) -> str:
    for limit, name in ((18, "0–17"), (30, "18–29"), (40, "30–39"), (50, "40–49"), (60, "50–59"), (70, "60–69")):
        if age < limit:
            return name
    return "70+"


def independent_weights(rows, population):
    """Post-stratify by hand: cells residence·sex·band; merge weak cells younger band first, then older."""
    surveyed = {band(r["age"]) for r in rows}
    count, pop = defaultdict(int), defaultdict(int)
    for r in rows:
        count[(r["residence"], r["sex"], band(r["age"]))] += 1
    for (res, sex, b), p in population.items():
        if b in surveyed:
            pop[(res, sex, b)] += p
    cells = sorted(set(count) | set(pop), key=lambda c: (c[0], c[1], BANDS.index(c[2])))
    group = {c: i for i, c in enumerate(cells)}

    def totals(g):
        members = [c for c in cells if group[c] == g]
        return sum(count[c] for c in members), sum(pop[c] for c in members), members

    changed = True
    while changed:
        changed = False
        for g in sorted(set(group.values())):
            n, p, members = totals(g)
            if (n < 2 and p > 0) or (n > 0 and p == 0):
                res, sex = members[0][0], members[0][1]
                low = min(BANDS.index(c[2]) for c in members)
                high = max(BANDS.index(c[2]) for c in members)
                same = [c for c in cells if c[0] == res and c[1] == sex and group[c] != g]
                younger = [c for c in same if BANDS.index(c[2]) < low]
                older = [c for c in same if BANDS.index(c[2]) > high]
                if younger:
                    target = group[max(younger, key=lambda c: BANDS.index(c[2]))]
                elif older:
                    target = group[min(older, key=lambda c: BANDS.index(c[2]))]
                else:
                    target = group[next(c for c in cells if c[0] == res and c[1] != sex)]
                for c in members:
                    group[c] = target
                changed = True
                break
    weight = {}
    for g in set(group.values()):
        n, p, _ = totals(g)
        weight[g] = p / n
    return [(weight[group[(r["residence"], r["sex"], band(r["age"]))]], group[(r["residence"], r["sex"], band(r["age"]))])
            for r in rows]


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
            "select r.year, s.age, s.residence, s.sex, (s.score >= 70)::int as literate "
            "from survey_responses s join returns r using (return_id) where r.is_current order by s.return_id, s.row_no"
        ).fetchall()
        population = defaultdict(int)
        for res, sex, b, p in con.execute("select residence, sex, age_band, sum(population) from plan_population "
                                          "where return_id = (select return_id from v_plan_return) group by all").fetchall():
            population[(res, sex, b)] = p
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period")
        gap = survey.urban_rural_gap(con, "2025-12-31").set_index("period")
    by_year = defaultdict(list)
    for year, age, res, sex, lit in rows:
        by_year[year].append({"age": age, "residence": res, "sex": sex, "literate": lit})
    return by_year, population, rate, gap


def test_demo_has_five_survey_years_with_rising_rates_urban_above_rural(demo):
    by_year, _, rate, gap = demo
    assert sorted(by_year) == [2021, 2022, 2023, 2024, 2025]
    assert list(rate["value"]) == sorted(rate["value"])
    assert (gap["value"] > 0).all()


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025])
def test_town_rate_and_gap_agree_with_an_independent_computation(demo, year):
    by_year, population, rate, gap = demo
    rows = by_year[year]
    weights = independent_weights(rows, population)
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
    town = [r for r in document["rows"] if r["code"] == "literacy_rate" and r["by"] == {}]
    assert [r["period"] for r in town] == ["2021", "2022", "2023", "2024", "2025"]


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
