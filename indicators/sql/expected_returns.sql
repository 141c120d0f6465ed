-- One row per return a department owes (activity per quarter, survey per year) for periods of the plan
-- ended by $as_of, with what had been received by $as_of: first receipt over all versions, emptiness of the
-- current one. A return neither received nor yet due on $as_of is pending.
with plan_span as (
    select min(start_on) as start_on, max(end_on) as end_on from v_plan_phases
),

quarters as (
    select
        q as quarter_start,
        last_day(q + interval 2 month)::date as quarter_end
    from plan_span,
        generate_series(date_trunc('quarter', plan_span.start_on), plan_span.end_on, interval 3 month) as t(q)
),

owed as (
    select d.department, d.liaison, d.phone, d.deadline_days, 'activity' as kind,
           year(q.quarter_start) as year, quarter(q.quarter_start) as quarter, q.quarter_end as period_end
    from v_plan_departments as d cross join quarters as q
    where d.owes_activity
    union all
    select d.department, d.liaison, d.phone, d.deadline_days, 'survey' as kind,
           year(q.quarter_start) as year, 4 as quarter, q.quarter_end as period_end
    from v_plan_departments as d cross join quarters as q
    where d.owes_survey and quarter(q.quarter_start) = 4
),

received as (
    select
        kind,
        department,
        year,
        case when kind = 'activity' then quarter else 4 end as quarter,
        min(received_on) as first_received_on,
        bool_or(is_current and is_empty) as is_empty,
        count(*) as versions
    from returns
    where kind in ('activity', 'survey') and received_on <= $as_of
    group by all
),

final as (
    select
        o.*,
        (o.period_end + o.deadline_days * interval 1 day)::date as due_on,
        r.first_received_on,
        coalesce(r.is_empty, false) as is_empty,
        r.first_received_on is not null as is_received,
        coalesce(r.first_received_on <= (o.period_end + o.deadline_days * interval 1 day)::date, false) as is_on_time,
        r.first_received_on is null
            and $as_of < (o.period_end + o.deadline_days * interval 1 day)::date as is_pending
    from owed as o
    left join received as r using (kind, department, year, quarter)
    where o.period_end <= $as_of
)

select * from final order by year, quarter, kind, department
