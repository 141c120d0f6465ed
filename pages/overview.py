"""总览 — where the town stands, for a leader's ten seconds: six cards, each with one plain sentence."""
import streamlit as st

from charts import fmt, sentences
from charts.targets import headline_target
from ui import cards, data, frame, reports_parts

frame.page("总览")

rate = data.frame("literacy_rate")
progress = data.frame("progress_status")
gap = data.frame("urban_rural_gap")
groups = data.frame("literacy_rate", by="重点人群")
completion = data.frame("milestone_completion", by="阶段")
budget = data.frame("budget_execution", by=None)

left, middle, right = st.columns(3)
with left:
    if rate.empty:
        cards.card("全镇具备科学素质的居民比例", "—", "尚无调查数据。")
    else:
        latest = rate.sort_values("period").iloc[-1]
        target = headline_target(progress, "literacy_rate", "全体", int(latest["period"]))
        cards.card(f"全镇具备科学素质的居民比例（{fmt.year(latest['period'])}，{fmt.ADULTS}）",
                   fmt.share_ci(latest["value"], latest["ci_low"], latest["ci_high"], named=False),
                   sentences.rate_sentence(rate, "全镇居民", target),
                   status=None if target is None else target["status"],
                   detail=f"括号内为95%置信区间 · 样本{latest['n']:,}人",
                   key="card_rate")
        st.caption(data.query("coverage").get(str(latest["period"]), ""))
with middle:
    if gap.empty:
        cards.card("城乡差距", "—", sentences.gap_sentence(gap))
    else:
        last = gap.sort_values("period").iloc[-1]
        cards.card(f"城乡差距（{fmt.year(last['period'])}，城镇−农村）", fmt.pp(last["value"]),
                   sentences.gap_sentence(gap),
                   detail=f"95%置信区间 {fmt.pp(last['ci_low'])}至{fmt.pp(last['ci_high'])}", key="card_gap")
with right:
    state = data.query("phase_state")  # the one phase answer (indicators.plan.phase_state)
    phase = state["phase"]
    done = completion.loc[completion["阶段"] == phase, "value"]
    cards.card("规划阶段" if state["is_plan_ended"] else "当前阶段",
               fmt.PLAN_ENDED if state["is_plan_ended"] else phase or "—",
               sentences.phase_sentence(phase, done.iloc[0] if len(done) else None, state["elapsed"],
                                        ended=state["is_plan_ended"]), key="card_phase")

left, middle, right = st.columns(3)
with left:
    if groups.empty:
        cards.card("重点人群", "—", "尚无调查数据。")
    else:
        year = groups["period"].max()
        rows = groups[groups["period"] == year]
        lines = [f"- {r['重点人群']}：{fmt.share(r['value'])}" + (f"（{fmt.small_sample(r['n'])}）" if fmt.is_small_sample(r["n"]) else "")
                 for _, r in rows.iterrows()]
        with st.container(border=True, key="card_groups"):
            st.markdown(f"**重点人群具备科学素质比例（{fmt.year(year)}）**")
            st.markdown("\n".join(lines))
            st.markdown(sentences.groups_sentence(groups, data.frame("group_rank")))
with middle:
    shown = data.query("reporting_quarter")  # the one quarter every page shows (indicators.period)
    if shown.quarter is None:
        cards.card("报送率", "—", "截至所选日期还没有到期的报表。")
    else:
        cards.card(f"报送率（{fmt.quarter(shown.quarter)}）", fmt.share(shown.rate),
                   sentences.reporting_sentence(shown.rate, shown.on_time_rate, shown.missing_departments,
                                                shown.quarter),
                   detail=f"到期应报{shown.n}份" + (f" · {shown.pending}份未到期" if shown.pending else ""),
                   key="card_reporting")
with right:
    if budget.empty:
        cards.card("预算执行", "—", "暂无经费数据。")
    else:
        last = budget.sort_values("period").iloc[-1]
        cards.card(f"预算执行率（{fmt.year(last['period'])}）", fmt.share(last["value"]),
                   sentences.budget_sentence(last["spend_yuan"], last["budget_yuan"], last["period"]),
                   key="card_budget")

reports_parts.change_note("overview")
reports_parts.evaluation_downloads(data.as_of(), "overview")
