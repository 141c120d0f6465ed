"""The shape of the house: etl/, indicators/, charts/ and reports/ never import streamlit (nor ui/); charts/ never
imports indicators/; pages never import duckdb."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", ["etl", "indicators", "charts", "reports"])
def test_lower_layers_do_not_import_streamlit(folder):
    offenders = [p.name for p in (ROOT / folder).rglob("*.py") if {"streamlit", "ui"} & imported_modules(p)]
    assert offenders == []


def test_charts_never_import_indicators_or_etl():
    offenders = [p.name for p in (ROOT / "charts").rglob("*.py") if {"indicators", "etl"} & imported_modules(p)]
    assert offenders == []


def test_the_survey_rules_behind_numbers_and_words_are_one():
    """data/method.toml holds n ≥ 30 and 18–69 once: the numbers (indicators) and the words (charts) agree."""
    from charts import fmt
    from indicators import base
    assert (fmt.MIN_N, fmt.ADULT_AGES, fmt.ADULTS) == (base.MIN_N, base.ADULT_AGES, base.ADULT_LABEL) == (
        30, (18, 69), "18–69岁")


def test_pages_hold_no_sql_and_never_import_duckdb():
    pages = list((ROOT / "pages").glob("*.py"))
    assert pages, "pages/ is empty"
    offenders = [p.name for p in pages if "duckdb" in imported_modules(p)]
    assert offenders == []
    with_sql = [p.name for p in pages if "select " in p.read_text(encoding="utf-8").lower()]
    assert with_sql == []


def test_every_indicator_of_the_spec_is_registered_with_a_definition():
    from indicators.registry import INDICATORS
    spec = (ROOT.parent / "shared" / "spec" / "INDICATORS.md").read_text(encoding="utf-8")
    import re
    codes = set(re.findall(r"^\| `([a-z_0-9]+)` \|", spec, flags=re.M))
    registered = {i.code: i for i in INDICATORS}
    assert codes <= set(registered), codes - set(registered)
    for ind in INDICATORS:
        assert len(ind.definition) > 20 and ind.label and not ind.label.isascii()
