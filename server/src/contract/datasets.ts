/**
 * Research data: named S3 datasets and the dataset browser's listing, preview,
 * download and multipart upload. Part of API v1 (docs/api.md, "Datasets").
 */

/** A bucket and prefix registered under a name; mounted on a workstation at `mountPath`. */
export interface Dataset {
  /** Lower-case letters, digits and dashes, up to 63; unique across the service. */
  name: string;
  description: string;
  bucket: string;
  /** `""` (the whole bucket) or a prefix ending in `/`. */
  prefix: string;
  /** Default true: workstations get `s3:GetObject` only and uploads are refused. */
  readOnly: boolean;
  /** Set when a project registered it: only the project's people see it. */
  project: string | null;
  registeredBy: string;
  registeredAt: string;
  /** `/data/<name>` on every workstation that attaches it. */
  mountPath: string;
  /** `s3://<bucket>/<prefix>` */
  s3Uri: string;
}

/** `POST /datasets`: admins register for everyone; a project's admins with `project`. */
export interface RegisterDatasetRequest {
  name: string;
  bucket: string;
  prefix?: string;
  readOnly?: boolean;
  description?: string;
  project?: string;
}

/** A "folder" of the listing: an S3 common prefix under the one listed. */
export interface DatasetFolder {
  /** The last path segment, without the trailing `/`. */
  name: string;
  /** Relative to the dataset's prefix, ending in `/`. */
  path: string;
}

export interface DatasetObject {
  /** The last path segment. */
  name: string;
  /** Relative to the dataset's prefix. */
  path: string;
  size: number;
  lastModified: string;
  etag: string;
}

/**
 * `GET /datasets/:name/objects?path=&cursor=&limit=`: one page, folders and
 * objects in key order. `nextCursor` is stable: it names the last key
 * returned, so pages neither repeat nor skip when keys are added meanwhile.
 */
export interface DatasetListing {
  dataset: string;
  path: string;
  folders: DatasetFolder[];
  objects: DatasetObject[];
  nextCursor: string | null;
}

export type PreviewKind = 'text' | 'csv' | 'image' | 'notebook' | 'binary';

/** `GET /datasets/:name/preview?path=`: read from the object's first bytes only. */
export interface DatasetPreview {
  path: string;
  kind: PreviewKind;
  contentType: string;
  size: number;
  /** True when only the first bytes were read. */
  truncated: boolean;
  /** text, notebook (the JSON): the first bytes as UTF-8. */
  text?: string;
  /** csv: the header and first rows. */
  rows?: string[][];
  /** image: a `data:` URL (images up to the preview limit). */
  dataUrl?: string;
}

/** `POST /datasets/:name/uploads`: start a multipart upload through the service. */
export interface StartUploadRequest {
  path: string;
  size: number;
  contentType?: string;
}

export interface Upload {
  id: string;
  dataset: string;
  path: string;
  /** Bytes per part (the last may be smaller); parts are numbered from 1. */
  partSize: number;
  parts: number;
}

/** An EFS volume as `GET /volumes` and `GET /volumes/:id` return it (docs/api.md, "Volumes"). */
export interface Volume {
  id: string;
  name: string;
  owner: string;
  project: string | null;
  /** Null until EFS made the file system. */
  fileSystemId: string | null;
  createdAt: string;
}
