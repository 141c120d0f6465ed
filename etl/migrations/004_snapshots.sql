-- Schema version 4: frozen evaluations (reports/snapshot.py). A snapshot keeps, under its name, the full
-- indicator export at its as-of date (JSON, as indicators.export.export_rows gives it) and the document files
-- as they were produced, byte for byte.

create table if not exists snapshots (
    name varchar primary key,           -- e.g. 中期评估
    as_of date not null,                -- the date the figures were computed at
    created_at timestamp not null,      -- when it was taken: returns stored, replaced or restored after it changed it
    created_by varchar,
    data_version integer,               -- meta.data_version when it was taken
    export_json varchar not null        -- the rows of indicators.export.export_rows, as JSON
);

create table if not exists snapshot_files (
    name varchar not null,              -- the snapshot
    file_name varchar not null,
    sha256 varchar not null,
    content blob not null,
    primary key (name, file_name)
);
