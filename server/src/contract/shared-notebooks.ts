/**
 * Shared notebooks: a project's members publish versions of a notebook, its
 * people open copies of them. The bytes of a version are the bytes that were
 * published, never re-serialised. Part of API v1 (docs/api.md, "Shared notebooks").
 */

/** One published version of a notebook. */
export interface SharedNotebookVersion {
  project: string;
  /** The file name, e.g. `rna-seq QC.ipynb`: no folders, ends in `.ipynb`. */
  name: string;
  /** 1, 2, 3 ... in the order they were published; a number is never used twice for one notebook. */
  version: number;
  /** Who published it (a notebook's versions all have the one author who first shared it). */
  author: string;
  /** What changed, in the author's words; `""` when none was given. */
  note: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the bytes: the `ETag` of `GET .../versions/:version`. */
  sha256: string;
  /** ISO 8601. */
  publishedAt: string;
}

/** A notebook shared in a project, as its latest version describes it. */
export interface SharedNotebook extends SharedNotebookVersion {
  /** How many versions are published (older ones may have been unpublished). */
  versions: number;
  /** The caller may unpublish it: its author, the project's admins, and Prism admins who are in the project. */
  canUnpublish: boolean;
}

/** `notebook:published`, to the project's room. */
export interface NotebookPublishedEvent extends SharedNotebookVersion {
  kind: 'published';
}

/** `notebook:unpublished`, to the project's room: one version, or (`version` null) the whole notebook. */
export interface NotebookUnpublishedEvent {
  kind: 'unpublished';
  project: string;
  name: string;
  version: number | null;
  by: string;
  at: string;
}
