/**
 * Team keys and the project's shared space: the REST resources of
 * `/me/ssh-keys`, `/users/:user/ssh-keys` and `/projects/:id/space`. Part of
 * API v1 (docs/api.md, "Team SSH keys", "Project space").
 */

/** One of a researcher's SSH public keys, installed on every workstation they may reach. */
export interface SshKey {
  /** `SHA256:...`, as `ssh-keygen -lf` prints it; URL-encode it (or its URL-safe base64) in `DELETE /me/ssh-keys/:fingerprint`. */
  fingerprint: string;
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ... */
  type: string;
  bits: number;
  /** The key line's comment, e.g. `alice@laptop`; may be empty. */
  comment: string;
  /** The whole public line, as pasted (type, key, comment). */
  publicKey: string;
  addedAt: string;
}

/** `POST /me/ssh-keys`: the one line of a `.pub` file. */
export interface AddSshKeyRequest {
  publicKey: string;
}

/** A member's way into the project space: their own access point. */
export interface ProjectSpaceAccess {
  user: string;
  /** Their stable POSIX uid; files they write carry it. */
  uid: number;
  accessPointId: string;
  /** Viewers read the space; they cannot write it. */
  readOnly: boolean;
}

/** `GET /projects/:id/space`: the project's shared EFS space. */
export interface ProjectSpace {
  project: string;
  fileSystemId: string | null;
  /** The project folder on the file system, group-writable (2775) by the project's group. */
  path: string;
  /** The project's POSIX gid, the group of the folder and of every file written in it. */
  gid: number;
  /** Where the project's workstations mount it. */
  mountPoint: string;
  createdBy: string;
  createdAt: string;
  /** Everyone's access for a project admin; the caller's own for anyone else. */
  access: ProjectSpaceAccess[];
}
