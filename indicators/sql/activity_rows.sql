-- One row per activity of a current activity return whose quarter ends on or before $as_of.
with activities as (
    select * from v_activities
),

final as (
    select
        a.year,
        a.year || 'Q' || a.quarter as quarter_period,
        a.department,
        a.task,
        a.kind,
        a.village,
        a.audience,
        a.participants,
        coalesce(a.training_hours, 0) as training_hours,
        coalesce(a.cost_yuan, 0) as cost_yuan,
        coalesce(a.is_on_theme, false) as is_on_theme
    from activities as a
    where last_day(make_date(a.year, a.quarter * 3, 1)) <= $as_of
)

select * from final
