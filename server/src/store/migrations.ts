/**
 * Schema migrations, applied in order; `PRAGMA user_version` records the last one.
 * Append only: a released migration is never edited.
 */
export const MIGRATIONS: string[] = [
  `CREATE TABLE workstations (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     settled INTEGER NOT NULL DEFAULT 0,
     body TEXT NOT NULL
   );
   CREATE INDEX workstations_owner ON workstations (owner);
   CREATE INDEX workstations_settled ON workstations (settled);
   CREATE TABLE workstation_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     workstation_id TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX workstation_events_by_id ON workstation_events (workstation_id, seq);
   CREATE TABLE phase_durations (
     key TEXT NOT NULL,
     phase TEXT NOT NULL,
     seconds REAL NOT NULL,
     recorded INTEGER PRIMARY KEY AUTOINCREMENT
   );
   CREATE INDEX phase_durations_by_key ON phase_durations (key, phase);`,
  // Every version of every template, kept so a launch can pin one after its file
  // changed or went; and the version an admin chose to offer by default.
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
  // The community catalog: templates an admin allowed, and one review per user per template.
  `CREATE TABLE catalog_allowed (
     name TEXT PRIMARY KEY,
     allowed_by TEXT NOT NULL,
     allowed_at TEXT NOT NULL
   );
   CREATE TABLE catalog_reviews (
     template TEXT NOT NULL,
     user TEXT NOT NULL,
     rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
     text TEXT NOT NULL DEFAULT '',
     at TEXT NOT NULL,
     PRIMARY KEY (template, user)
   );`,
  // Monitoring: each workstation's points for a day; the agent's byte totals kept for the next rate.
  `CREATE TABLE workstation_metrics (
     workstation_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     cpu_percent REAL NOT NULL,
     memory_percent REAL,
     memory_used_mib REAL,
     disk_percent REAL,
     network_rx_bytes REAL,
     network_tx_bytes REAL,
     network_rx_bps REAL,
     network_tx_bps REAL
   );
   CREATE INDEX workstation_metrics_by_id ON workstation_metrics (workstation_id, at);
   CREATE INDEX workstation_metrics_by_at ON workstation_metrics (at);`,
  // Projects: members with a role, a budget each, and the project's history (budget notifications).
  `CREATE TABLE projects (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE project_members (
     project_id TEXT NOT NULL REFERENCES projects (id),
     user TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
     PRIMARY KEY (project_id, user)
   );
   CREATE INDEX project_members_by_user ON project_members (user);
   CREATE TABLE project_budgets (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     monthly_usd REAL NOT NULL,
     hard_stop INTEGER NOT NULL,
     grace_minutes REAL NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL
   );
   CREATE TABLE project_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     project_id TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX project_events_by_project ON project_events (project_id, seq);`,
  // A project's override of its workstations' idle rule (docs/idle.md): JSON, `false` for never.
  `CREATE TABLE project_idle (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     setting TEXT NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL
   );`,
  // EFS volumes (docs/api.md, "Volumes"): the file system id is set once EFS made it.
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
  // The audit log (docs/api.md, "Audit"): append-only, which the triggers hold even against a hand-typed UPDATE or DELETE.
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     user TEXT,
     action TEXT NOT NULL,
     object TEXT,
     status INTEGER NOT NULL,
     code TEXT,
     address TEXT NOT NULL
   );
   CREATE INDEX audit_log_by_user ON audit_log (user, seq);
   CREATE INDEX audit_log_by_at ON audit_log (at);
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
   BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
   BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
  // Scheduled syncs from a dataset into a folder on a volume (docs/api.md, "Sync"), and each run with the files it copied.
  `CREATE TABLE syncs (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     project TEXT,
     body TEXT NOT NULL
   );
   CREATE INDEX syncs_by_owner ON syncs (owner);
   CREATE INDEX syncs_by_project ON syncs (project);
   CREATE TABLE sync_runs (
     id TEXT PRIMARY KEY,
     sync_id TEXT NOT NULL,
     status TEXT NOT NULL,
     at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX sync_runs_by_sync ON sync_runs (sync_id, at);
   CREATE INDEX sync_runs_by_status ON sync_runs (status);`,
  // Snapshots, their schedules, volumes restored from them, and EFS restores (docs/api.md, "Snapshots and backups").
  `CREATE TABLE snapshots (
     id TEXT PRIMARY KEY,
     workstation_id TEXT NOT NULL,
     workstation_name TEXT NOT NULL,
     owner TEXT NOT NULL,
     project TEXT,
     ebs_snapshot_id TEXT,
     size_gib REAL,
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
     every_hours REAL NOT NULL,
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
     size_gib REAL NOT NULL,
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
  // Named S3 datasets and the uploads into them (docs/api.md, "Datasets"); an upload outlives a restart.
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
     size INTEGER NOT NULL,
     part_size INTEGER NOT NULL,
     parts INTEGER NOT NULL,
     content_type TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX dataset_uploads_by_dataset ON dataset_uploads (dataset);`,
  // A project's allowed templates and sizes and its allocation of workstations (domain/project-policy.ts).
  `CREATE TABLE project_policy (
     project_id TEXT PRIMARY KEY REFERENCES projects (id),
     limits TEXT NOT NULL,
     set_by TEXT NOT NULL,
     set_at TEXT NOT NULL
   );`,
  // Replicas (docs/replicas.md): who drives which launch and runs the scheduled jobs, until when (ms since
  // the epoch); and the boot reports a replica took for a launch another replica drives.
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
  // Shared notebooks (domain/shared-notebooks.ts): the records; each version's bytes are an S3 object in Prism's bucket.
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
     size INTEGER NOT NULL,
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
