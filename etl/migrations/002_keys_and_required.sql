-- Schema version 2: every typed table states its grain as a primary key, and every field DATA.md (etl/spec.py)
-- makes required is NOT NULL. Fields the plan check fills with a default when blank get that default first.

alter table raw_rows add primary key (return_id, sheet, row_no);
alter table survey_responses add primary key (return_id, row_no);
alter table activities add primary key (return_id, row_no);

update plan_departments set deadline_days = 15 where deadline_days is null;
update plan_departments set owes_survey = false where owes_survey is null;
update plan_departments set owes_activity = true where owes_activity is null;

alter table plan_phases add primary key (return_id, row_no);
alter table plan_phases alter column phase set not null;
alter table plan_phases alter column start_on set not null;
alter table plan_phases alter column end_on set not null;

alter table plan_tasks add primary key (return_id, row_no);
alter table plan_tasks alter column task set not null;
alter table plan_tasks alter column task_name set not null;
alter table plan_tasks alter column lead_departments set not null;

alter table plan_departments add primary key (return_id, row_no);
alter table plan_departments alter column department set not null;
alter table plan_departments alter column owes_survey set not null;
alter table plan_departments alter column owes_activity set not null;
alter table plan_departments alter column deadline_days set not null;

alter table plan_villages add primary key (return_id, row_no);
alter table plan_villages alter column village set not null;
alter table plan_villages alter column residence set not null;

alter table plan_groups add primary key (return_id, row_no);
alter table plan_groups alter column group_name set not null;

alter table plan_milestones add primary key (return_id, row_no);
alter table plan_milestones alter column milestone_id set not null;
alter table plan_milestones alter column phase set not null;
alter table plan_milestones alter column content set not null;
alter table plan_milestones alter column due_on set not null;
alter table plan_milestones alter column status set not null;

alter table plan_targets add primary key (return_id, row_no);
alter table plan_targets alter column code set not null;
alter table plan_targets alter column population set not null;
alter table plan_targets alter column base_year set not null;
alter table plan_targets alter column base_value set not null;
alter table plan_targets alter column target_year set not null;
alter table plan_targets alter column target_value set not null;
alter table plan_targets alter column direction set not null;

alter table plan_themes add primary key (return_id, row_no);
alter table plan_themes alter column year set not null;
alter table plan_themes alter column theme set not null;

alter table plan_population add primary key (return_id, row_no);
alter table plan_population alter column village set not null;
alter table plan_population alter column residence set not null;
alter table plan_population alter column sex set not null;
alter table plan_population alter column age_band set not null;
alter table plan_population alter column group_name set not null;
alter table plan_population alter column population set not null;

alter table plan_budget add primary key (return_id, row_no);
alter table plan_budget alter column year set not null;
alter table plan_budget alter column task set not null;
alter table plan_budget alter column budget_yuan set not null;

alter table plan_scoring add primary key (return_id, row_no);
alter table plan_scoring alter column tier set not null;
alter table plan_scoring alter column min_score set not null;

alter table plan_items add primary key (return_id, row_no);
alter table plan_items alter column item set not null;
alter table plan_items alter column dimension set not null;
alter table plan_items alter column key set not null;
alter table plan_items alter column points set not null;
