-- Views the indicators read: current versions only.
create or replace view v_current_returns as select * from returns where is_current;
create or replace view v_plan_return as
    select return_id from returns where kind = 'plan' and is_current order by uploaded_at desc limit 1;
create or replace view v_survey as
    select r.year, r.quarter, r.department, s.*
    from survey_responses s join returns r using (return_id) where r.is_current;
create or replace view v_activities as
    select r.year, r.quarter, r.department, a.*
    from activities a join returns r using (return_id) where r.is_current;
create or replace view v_plan_phases as select * exclude (return_id) from plan_phases where return_id = (select return_id from v_plan_return);
create or replace view v_plan_tasks as select * exclude (return_id) from plan_tasks where return_id = (select return_id from v_plan_return);
create or replace view v_plan_departments as select * exclude (return_id) from plan_departments where return_id = (select return_id from v_plan_return);
create or replace view v_plan_villages as select * exclude (return_id) from plan_villages where return_id = (select return_id from v_plan_return);
create or replace view v_plan_groups as select * exclude (return_id) from plan_groups where return_id = (select return_id from v_plan_return);
create or replace view v_plan_milestones as select * exclude (return_id) from plan_milestones where return_id = (select return_id from v_plan_return);
create or replace view v_plan_targets as select * exclude (return_id) from plan_targets where return_id = (select return_id from v_plan_return);
create or replace view v_plan_themes as select * exclude (return_id) from plan_themes where return_id = (select return_id from v_plan_return);
create or replace view v_plan_population as select * exclude (return_id) from plan_population where return_id = (select return_id from v_plan_return);
create or replace view v_plan_budget as select * exclude (return_id) from plan_budget where return_id = (select return_id from v_plan_return);
create or replace view v_plan_scoring as select * exclude (return_id) from plan_scoring where return_id = (select return_id from v_plan_return);
create or replace view v_plan_items as select * exclude (return_id) from plan_items where return_id = (select return_id from v_plan_return);
