"""The one-sentence findings on the cards: worked out by hand from small frames."""
import pandas as pd

from charts import sentences


def rates(*rows):
    return pd.DataFrame(rows, columns=["period", "value", "n", "ci_low", "ci_high"])


def test_rate_sentence_uses_the_shown_figures_for_changes_and_remainders():
    # 12.94% shows as 12.9%, 13.85% as 13.9% (half up): the change reads 1.0, not the unrounded 0.91.
    frame = rates(("2024", 0.1294, 900, 0.11, 0.15), ("2025", 0.1385, 880, 0.12, 0.16))
    target = pd.Series({"period": "2025", "target_value": 0.15})
    assert sentences.rate_sentence(frame, "全镇居民", target) == (
        "2025年全镇居民具备科学素质比例为13.9%，较上年提高1.0个百分点；距2025年目标15.0%还差1.1个百分点。")


def test_rate_sentence_for_a_small_sample_says_so_and_nothing_more():
    frame = rates(("2025", 0.2, 18, 0.05, 0.5))
    assert sentences.rate_sentence(frame, "领导干部") == "2025年领导干部具备科学素质比例为20.0%，样本不足（n=18），仅供参考。"


def test_gap_sentence_says_narrowing_and_significance():
    gap = pd.DataFrame({"period": ["2024", "2025"], "value": [7.04, 6.76], "ci_low": [2.0, -0.5],
                        "ci_high": [12.0, 14.0]})
    assert sentences.gap_sentence(gap) == "2025年城镇比农村高6.8个百分点，城乡差距较上年缩小0.2个百分点（差距在统计上不显著）。"


def test_groups_sentence_names_the_first_and_the_last_adult_group():
    ranks = pd.DataFrame({"period": ["2025"] * 3, "重点人群": ["农民", "城镇劳动人口", "领导干部和公务员"],
                          "value": [3.0, 2.0, 1.0], "rate": [0.082, 0.147, 0.496]})
    by_group = pd.DataFrame({"period": ["2024", "2025"], "重点人群": ["农民", "农民"], "value": [0.063, 0.082],
                             "n": [344, 321]})
    assert sentences.groups_sentence(by_group, ranks) == (
        "2025年“领导干部和公务员”（49.6%）在成年重点人群中居首；“农民”最低（8.2%），较上年提高1.9个百分点。")


def test_budget_and_reporting_sentences():
    assert sentences.budget_sentence(544870, 577000, "2025") == "2025年已支出54.49万元，占预算57.70万元的94.4%。"
    assert sentences.reporting_sentence(8 / 9, 7 / 9, ["团委"], "2023Q3") == (
        "2023年第3季度报送率88.9%，按时77.8%；未报：团委。")
