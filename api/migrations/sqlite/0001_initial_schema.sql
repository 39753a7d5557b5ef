-- Initial schema for SQLite. Keep it in step with migrations/postgres: the
-- two differ only in the byte column type (BLOB here, BYTEA there) and in
-- flags, which are INTEGER 0 or 1 here because sqlx::Any cannot decode a
-- SQLite BOOLEAN column (sqlx 0.8.6).
-- Identifiers are UUID v7 text, timestamps are Unix milliseconds, and JSON
-- is stored as text.

CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    dedup_key TEXT NOT NULL,
    source_ref TEXT,
    triggerable INTEGER NOT NULL CHECK (triggerable IN (0, 1)),
    not_triggered_reason TEXT,
    raw BLOB NOT NULL,
    normalized TEXT NOT NULL
);
CREATE INDEX alerts_source_ref ON alerts (source, source_ref);
CREATE INDEX alerts_received_at ON alerts (received_at);

CREATE TABLE alert_observables (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    field TEXT NOT NULL,
    valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
    error TEXT,
    PRIMARY KEY (alert_id, position)
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    status TEXT NOT NULL CHECK (status IN ('open', 'in-progress', 'closed')),
    dedup_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- At most one case that is not closed per dedup key.
CREATE UNIQUE INDEX cases_one_open_per_dedup_key ON cases (dedup_key) WHERE status <> 'closed';
CREATE INDEX cases_updated_at ON cases (updated_at, id);

CREATE TABLE case_observables (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, value)
);
CREATE INDEX case_observables_value ON case_observables (value, kind);

CREATE TABLE case_alerts (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, alert_id)
);
CREATE INDEX case_alerts_alert_id ON case_alerts (alert_id);

CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notes_case_id ON notes (case_id, created_at);

CREATE TABLE timeline (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    run_id TEXT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX timeline_case_id ON timeline (case_id, at, id);

CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    component TEXT NOT NULL,
    component_version TEXT NOT NULL,
    trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('alert', 'manual')),
    alert_id TEXT REFERENCES alerts (id),
    input TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    queued_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    summary TEXT,
    output TEXT,
    error TEXT
);
CREATE INDEX runs_queue ON runs (status, queued_at, id);
CREATE INDEX runs_alert_id ON runs (alert_id);

CREATE TABLE run_events (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    ciphertext BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE components (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    manifest TEXT NOT NULL,
    wasm_sha256 TEXT NOT NULL,
    wasm BLOB NOT NULL,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('ingest', 'analyst', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE TABLE indicators (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('unknown', 'benign', 'suspicious', 'malicious')),
    source TEXT NOT NULL,
    description TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value, source)
);

CREATE TABLE component_state (
    component TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (component, key)
);
