-- Every milestone of the current plan as it stood on $as_of.
with milestones as (
    select * from v_plan_milestones
),

final as (
    select
        m.milestone_id,
        m.phase,
        m.task,
        m.content,
        m.department,
        m.due_on,
        m.done_on,
        m.evidence,
        m.status = '已完成' and m.done_on <= $as_of as is_done,
        case
            when m.status = '已完成' and m.done_on <= $as_of then '已完成'
            when m.status = '未开始' then '未开始'
            else '进行中'
        end as status_as_of,
        not (m.status = '已完成' and m.done_on <= $as_of) and m.due_on < $as_of as is_overdue
    from milestones as m
)

select * from final order by due_on, milestone_id
