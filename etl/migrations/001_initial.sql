-- Schema version 1: the warehouse as every release before versioned schemas made it (meta had no schema_version).
-- Layers: raw_rows (as read) -> typed tables (one stated grain each) -> v_* views (etl/sql/views.sql).
-- A migration is history: never edit this file, add the next one (docs/ARCHITECTURE.md, "Schema versions").

create sequence if not exists seq_return_id start 1;
create sequence if not exists seq_problem_id start 1;
create sequence if not exists seq_event_id start 1;

-- one row per stored workbook version
create table if not exists returns (
    return_id integer primary key,
    return_key varchar not null,          -- kind|department|period (department blank for the plan)
    kind varchar not null,                -- survey / activity / plan
    department varchar,
    period varchar not null,              -- 2025, 2025Q3, plan
    year integer,
    quarter integer,
    version integer not null,
    is_current boolean not null,
    sha256 varchar not null,
    file_name varchar,
    archive_path varchar,                 -- file name inside the archive folder beside the database
    size_bytes bigint,
    uploaded_by varchar,
    uploaded_at timestamp not null,
    received_on date not null,            -- the day the office got it (upload day, or back-filled)
    is_backfilled boolean not null,
    reporter varchar,
    phone varchar,
    submitted_on date,
    row_count integer not null,
    is_empty boolean not null
);

-- one row per action on a return (store, replace, restore)
create table if not exists return_events (
    event_id integer primary key,
    return_id integer not null,
    action varchar not null,
    done_by varchar,
    done_at timestamp not null,
    note varchar
);

-- one row per data row of a stored sheet, every cell as text (extra columns kept)
create table if not exists raw_rows (
    return_id integer not null,
    sheet varchar not null,
    row_no integer not null,
    cells json not null
);

-- one row per warning or note of a stored return
create table if not exists problems (
    problem_id integer primary key,
    return_id integer not null,
    severity varchar not null,
    code varchar not null,
    sheet varchar,
    row_no integer,
    column_name varchar,
    value varchar,
    expected varchar,
    message varchar not null,
    accepted_by varchar,
    accepted_at timestamp,
    accept_note varchar
);

-- one row per respondent per return version
create table if not exists survey_responses (
    return_id integer not null, row_no integer not null, respondent_id varchar not null,
    surveyed_on date, village varchar not null, residence varchar not null, sex varchar not null,
    age integer not null, education varchar, group_name varchar not null,
    knowledge double, method double, spirit double, application double, score double not null,
    interest integer, weight double
);

-- one row per activity per return version
create table if not exists activities (
    return_id integer not null, row_no integer not null, activity_id varchar, name varchar not null,
    kind varchar not null, task integer not null, start_on date not null, end_on date,
    village varchar not null, audience varchar not null, participants integer not null,
    training_hours double, cost_yuan double, volunteers integer, media_reports integer,
    is_on_theme boolean, evidence varchar
);

-- the plan: one row per item per plan version
create table if not exists plan_phases (return_id integer, row_no integer, phase varchar, start_on date, end_on date);
create table if not exists plan_tasks (return_id integer, row_no integer, task integer, task_name varchar,
    lead_departments varchar, responsible varchar);
create table if not exists plan_departments (return_id integer, row_no integer, department varchar, liaison varchar,
    phone varchar, owes_survey boolean, owes_activity boolean, deadline_days integer);
create table if not exists plan_villages (return_id integer, row_no integer, village varchar, residence varchar);
create table if not exists plan_groups (return_id integer, row_no integer, group_name varchar, description varchar);
create table if not exists plan_milestones (return_id integer, row_no integer, milestone_id varchar, phase varchar,
    task integer, content varchar, department varchar, due_on date, status varchar, done_on date, evidence varchar);
create table if not exists plan_targets (return_id integer, row_no integer, code varchar, population varchar,
    base_year integer, base_value double, target_year integer, target_value double, direction varchar);
create table if not exists plan_themes (return_id integer, row_no integer, year integer, theme varchar);
create table if not exists plan_population (return_id integer, row_no integer, village varchar, residence varchar,
    sex varchar, age_band varchar, group_name varchar, population integer);
create table if not exists plan_budget (return_id integer, row_no integer, year integer, task integer,
    department varchar, budget_yuan double);
create table if not exists plan_scoring (return_id integer, row_no integer, tier varchar, min_score double);
create table if not exists plan_items (return_id integer, row_no integer, item varchar, dimension varchar,
    key varchar, points double);

create table if not exists meta (key varchar primary key, value varchar);
insert into meta select 'data_version', '0' where not exists (select 1 from meta where key = 'data_version');
