-- One row per respondent of a current survey return whose period ends on or before $as_of.
with responses as (
    select * from v_survey
),

return_weights as (
    -- a return's 权重 is used only where every one of its rows has one
    select return_id, bool_and(weight is not null) as is_fully_weighted
    from survey_responses
    group by return_id
),

final as (
    select
        s.year,
        s.return_id,
        s.department,
        s.row_no,
        s.respondent_id,
        s.village,
        s.residence,
        s.sex,
        s.age,
        s.education,
        s.group_name,
        s.score,
        s.interest,
        s.weight,
        w.is_fully_weighted
    from responses as s
    join return_weights as w using (return_id)
    where case when s.quarter is null then make_date(s.year, 12, 31)
               else last_day(make_date(s.year, s.quarter * 3, 1)) end <= $as_of
)

select * from final order by year, return_id, row_no
