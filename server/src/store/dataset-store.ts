/** Named datasets and open uploads on the SQL seam (SQLite or PostgreSQL). */
import type { Dataset } from '../contract/datasets';
import { datasetMountPath, type DatasetStore, type UploadRecord } from '../domain/datasets';
import { placeholders, type SqlDatabase } from './sql-database';

interface DatasetRow {
  name: string;
  description: string;
  bucket: string;
  prefix: string;
  read_only: number;
  project: string | null;
  registered_by: string;
  registered_at: string;
}

interface UploadRow {
  id: string;
  dataset: string;
  path: string;
  bucket: string;
  s3_key: string;
  s3_upload_id: string;
  owner: string;
  size: number;
  part_size: number;
  parts: number;
  content_type: string;
  created_at: string;
}

const toDataset = (row: DatasetRow): Dataset => ({
  name: row.name,
  description: row.description,
  bucket: row.bucket,
  prefix: row.prefix,
  readOnly: row.read_only === 1,
  project: row.project,
  registeredBy: row.registered_by,
  registeredAt: row.registered_at,
  mountPath: datasetMountPath(row.name),
  s3Uri: `s3://${row.bucket}/${row.prefix}`
});

const toUpload = (row: UploadRow): UploadRecord => ({
  id: row.id,
  dataset: row.dataset,
  path: row.path,
  bucket: row.bucket,
  key: row.s3_key,
  s3UploadId: row.s3_upload_id,
  owner: row.owner,
  size: row.size,
  partSize: row.part_size,
  parts: row.parts,
  contentType: row.content_type,
  createdAt: row.created_at
});

export class SqlDatasetStore implements DatasetStore {
  constructor(private readonly db: SqlDatabase) {}

  insertDataset(dataset: Dataset): boolean {
    const inserted = this.db.run(
      `INSERT INTO datasets (name, description, bucket, prefix, read_only, project, registered_by, registered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
      dataset.name,
      dataset.description,
      dataset.bucket,
      dataset.prefix,
      dataset.readOnly ? 1 : 0,
      dataset.project,
      dataset.registeredBy,
      dataset.registeredAt
    );
    return inserted === 1;
  }

  dataset(name: string): Dataset | undefined {
    const row = this.db.get('SELECT * FROM datasets WHERE name = ?', name) as DatasetRow | undefined;
    return row && toDataset(row);
  }

  visibleDatasets(projects: string[]): Dataset[] {
    const rows = this.db.all(`SELECT * FROM datasets WHERE project IS NULL${projects.length ? ` OR project IN (${placeholders(projects.length)})` : ''} ORDER BY name`, ...projects) as DatasetRow[];
    return rows.map(toDataset);
  }

  removeDataset(name: string): void {
    this.db.run('DELETE FROM datasets WHERE name = ?', name);
  }

  insertUpload(upload: UploadRecord): void {
    this.db.run(
      `INSERT INTO dataset_uploads (id, dataset, path, bucket, s3_key, s3_upload_id, owner, size, part_size, parts, content_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      upload.id,
      upload.dataset,
      upload.path,
      upload.bucket,
      upload.key,
      upload.s3UploadId,
      upload.owner,
      upload.size,
      upload.partSize,
      upload.parts,
      upload.contentType,
      upload.createdAt
    );
  }

  upload(id: string): UploadRecord | undefined {
    const row = this.db.get('SELECT * FROM dataset_uploads WHERE id = ?', id) as UploadRow | undefined;
    return row && toUpload(row);
  }

  uploadsOf(dataset: string): UploadRecord[] {
    return (this.db.all('SELECT * FROM dataset_uploads WHERE dataset = ? ORDER BY created_at, id', dataset) as UploadRow[]).map(toUpload);
  }

  removeUpload(id: string): void {
    this.db.run('DELETE FROM dataset_uploads WHERE id = ?', id);
  }
}
