/**
 * The PostgreSQL twin of each entry of MIGRATIONS (migrations.ts), at the same
 * index; schema_version records the last applied (postgres-database.ts).
 * Append only, and always together with its SQLite entry: a unit test holds
 * the two lists to the same length.
 *
 * Translation: REAL -> DOUBLE PRECISION (PostgreSQL's REAL is 4 bytes);
 * AUTOINCREMENT keys -> BIGSERIAL; ms and byte counts -> BIGINT; `user` is a
 * reserved word, so quoted; tables a store orders by SQLite's `rowid` get a
 * BIGSERIAL `rowid` of their own, so the same queries run on both.
 */
export const PG_MIGRATIONS: string[] = [
  `CREATE TABLE workstations (
     rowid BIGSERIAL UNIQUE,
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     settled INTEGER NOT NULL DEFAULT 0,
     body TEXT NOT NULL
   );
   CREATE INDEX workstations_owner ON workstations (owner);
   CREATE INDEX workstations_settled ON workstations (settled);
   CREATE TABLE workstation_events (
     seq BIGSERIAL PRIMARY KEY,
     workstation_id TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX workstation_events_by_id ON workstation_events (workstation_id, seq);
   CREATE TABLE phase_durations (
     key TEXT NOT NULL,
     phase TEXT NOT NULL,
     seconds DOUBLE PRECISION NOT NULL,
     recorded BIGSERIAL PRIMARY KEY
   );
   CREATE INDEX phase_durations_by_key ON phase_durations (key, phase);`,
  `CREATE TABLE template_versions (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     resolved TEXT NOT NULL,
     source_yaml TEXT NOT NULL,
     loaded_at TEXT NOT NULL,
     PRIMARY KEY (name, version)
   );
   CREATE TABLE template_current (
     name TEXT PRIMARY KEY,
     version TEXT NOT NULL
   );`,
  `CREATE TABLE catalog_allowed (
     name TEXT PRIMARY KEY,
     allowed_by TEXT NOT NULL,
     allowed_at TEXT NOT NULL
   );
   CREATE TABLE catalog_reviews (
     template TEXT NOT NULL,
     "user" TEXT NOT NULL,
     rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
     text TEXT NOT NULL DEFAULT '',
     at TEXT NOT NULL,
     PRIMARY KEY (template, "user")
   );`,
  `CREATE TABLE workstation_metrics (
     rowid BIGSERIAL PRIMARY KEY,
     workstation_id TEXT NOT NULL,
     at BIGINT NOT NULL,
     cpu_percent DOUBLE PRECISION NOT NULL,
     memory_percent DOUBLE PRECISION,
     memory_used_mib DOUBLE PRECISION,
     disk_percent DOUBLE PRECISION,
     network_rx_bytes DOUBLE PRECISION,
     network_tx_bytes DOUBLE PRECISION,
     network_rx_bps DOUBLE PRECISION,
     network_tx_bps DOUBLE PRECISION
   );
   CREATE INDEX workstation_metrics_by_id ON workstation_metrics (workstation_id, at);
   CREATE INDEX workstation_metrics_by_at ON workstation_metrics (at);`,
  `CREATE TABLE projects (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE project_members (
     project_id TEXT NOT NULL REFERENCES projects (id),
     "user" TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
     PRIMARY KEY (project_id, "user")
   );
   CREATE INDEX project_members_by_user ON project_members ("user");
   CREATE TABLE project_budgets (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     monthly_usd DOUBLE PRECISION NOT NULL,
     hard_stop INTEGER NOT NULL,
     grace_minutes DOUBLE PRECISION NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL
   );
   CREATE TABLE project_events (
     seq BIGSERIAL PRIMARY KEY,
     project_id TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX project_events_by_project ON project_events (project_id, seq);`,
  `CREATE TABLE project_idle (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     setting TEXT NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL
   );`,
  `CREATE TABLE volumes (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     owner TEXT NOT NULL,
     project TEXT,
     file_system_id TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX volumes_by_owner ON volumes (owner);
   CREATE INDEX volumes_by_project ON volumes (project);`,
  // Append-only as on SQLite: the trigger refuses UPDATE and DELETE, whoever types them.
  `CREATE TABLE audit_log (
     seq BIGSERIAL PRIMARY KEY,
     at TEXT NOT NULL,
     "user" TEXT,
     action TEXT NOT NULL,
     object TEXT,
     status INTEGER NOT NULL,
     code TEXT,
     address TEXT NOT NULL
   );
   CREATE INDEX audit_log_by_user ON audit_log ("user", seq);
   CREATE INDEX audit_log_by_at ON audit_log (at);
   CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'the audit log is append-only';
   END;
   $$;
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
   CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`,
  `CREATE TABLE syncs (
     rowid BIGSERIAL UNIQUE,
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     project TEXT,
     body TEXT NOT NULL
   );
   CREATE INDEX syncs_by_owner ON syncs (owner);
   CREATE INDEX syncs_by_project ON syncs (project);
   CREATE TABLE sync_runs (
     rowid BIGSERIAL UNIQUE,
     id TEXT PRIMARY KEY,
     sync_id TEXT NOT NULL,
     status TEXT NOT NULL,
     at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX sync_runs_by_sync ON sync_runs (sync_id, at);
   CREATE INDEX sync_runs_by_status ON sync_runs (status);`,
  `CREATE TABLE snapshots (
     id TEXT PRIMARY KEY,
     workstation_id TEXT NOT NULL,
     workstation_name TEXT NOT NULL,
     owner TEXT NOT NULL,
     project TEXT,
     ebs_snapshot_id TEXT,
     size_gib DOUBLE PRECISION,
     description TEXT NOT NULL,
     trigger TEXT NOT NULL CHECK (trigger IN ('request', 'schedule')),
     state TEXT NOT NULL,
     progress TEXT,
     availability_zone TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX snapshots_by_workstation ON snapshots (workstation_id);
   CREATE INDEX snapshots_by_owner ON snapshots (owner);
   CREATE INDEX snapshots_by_project ON snapshots (project);
   CREATE TABLE snapshot_schedules (
     workstation_id TEXT PRIMARY KEY,
     every_hours DOUBLE PRECISION NOT NULL,
     keep INTEGER NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL,
     last_run_at TEXT
   );
   CREATE TABLE snapshot_restores (
     id TEXT PRIMARY KEY,
     volume_id TEXT,
     snapshot_id TEXT NOT NULL,
     workstation_id TEXT NOT NULL,
     owner TEXT NOT NULL,
     project TEXT,
     availability_zone TEXT NOT NULL,
     size_gib DOUBLE PRECISION NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE volume_restores (
     volume_id TEXT PRIMARY KEY,
     source_volume_id TEXT NOT NULL,
     recovery_point TEXT NOT NULL,
     job_id TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
     message TEXT,
     started_at TEXT NOT NULL
   );`,
  `CREATE TABLE datasets (
     name TEXT PRIMARY KEY,
     description TEXT NOT NULL,
     bucket TEXT NOT NULL,
     prefix TEXT NOT NULL,
     read_only INTEGER NOT NULL,
     project TEXT,
     registered_by TEXT NOT NULL,
     registered_at TEXT NOT NULL
   );
   CREATE INDEX datasets_by_project ON datasets (project);
   CREATE TABLE dataset_uploads (
     id TEXT PRIMARY KEY,
     dataset TEXT NOT NULL,
     path TEXT NOT NULL,
     bucket TEXT NOT NULL,
     s3_key TEXT NOT NULL,
     s3_upload_id TEXT NOT NULL,
     owner TEXT NOT NULL,
     size BIGINT NOT NULL,
     part_size BIGINT NOT NULL,
     parts INTEGER NOT NULL,
     content_type TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX dataset_uploads_by_dataset ON dataset_uploads (dataset);`,
  `CREATE TABLE project_policy (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     limits TEXT NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL
   );`,
  `CREATE TABLE leases (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE TABLE boot_report_relay (
     launch_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (launch_id, seq)
   );`,
  `CREATE TABLE shared_notebooks (
     id TEXT PRIMARY KEY,
     project_id TEXT NOT NULL REFERENCES projects (id),
     name TEXT NOT NULL,
     author TEXT NOT NULL,
     latest_version INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (project_id, name)
   );
   CREATE TABLE shared_notebook_versions (
     notebook_id TEXT NOT NULL REFERENCES shared_notebooks (id),
     version INTEGER NOT NULL,
     author TEXT NOT NULL,
     note TEXT NOT NULL,
     size BIGINT NOT NULL,
     sha256 TEXT NOT NULL,
     bucket TEXT NOT NULL,
     object_key TEXT NOT NULL,
     published_at TEXT NOT NULL,
     PRIMARY KEY (notebook_id, version)
   );`,
  // Team SSH keys, project spaces with each member's access point, and the POSIX ids Prism hands out (domain/team-keys.ts, domain/project-space.ts).
  `CREATE TABLE ssh_keys (
     fingerprint TEXT PRIMARY KEY,
     user_name TEXT NOT NULL,
     key_type TEXT NOT NULL,
     public_key TEXT NOT NULL,
     bits INTEGER NOT NULL,
     key_comment TEXT NOT NULL,
     added_at TEXT NOT NULL
   );
   CREATE INDEX ssh_keys_by_user ON ssh_keys (user_name);
   CREATE TABLE posix_ids (
     kind TEXT NOT NULL CHECK (kind IN ('user', 'project')),
     name TEXT NOT NULL,
     posix_id INTEGER NOT NULL,
     PRIMARY KEY (kind, name),
     UNIQUE (kind, posix_id)
   );
   CREATE TABLE project_spaces (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     space_id TEXT NOT NULL,
     file_system_id TEXT,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE project_space_access (
     project_id TEXT NOT NULL REFERENCES project_spaces (project_id),
     user_name TEXT NOT NULL,
     access_point_id TEXT NOT NULL,
     read_only INTEGER NOT NULL,
     PRIMARY KEY (project_id, user_name)
   );`
];
