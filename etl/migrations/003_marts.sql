-- Marts (indicators/marts.py): materialised indicator results, keyed by the content they rest on, the period end
-- (or date) of the as-of date, the result's name and its arguments. Derived data only: never backed up, rebuilt
-- by `python -m indicators refresh` or on first read.
create table if not exists mart_frames (
    content_key varchar, epoch varchar, name varchar, args varchar, frame blob, built_at timestamp default now(),
    primary key (content_key, epoch, name, args));
