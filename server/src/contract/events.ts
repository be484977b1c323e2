/**
 * The socket.io event maps shared by the service and the extension.
 * Part of API v1 (see docs/api.md): extend, never change a field's meaning.
 */
import type { Workstation } from './api';
import type { MetricsEvent } from './metrics';
import type { BudgetEvent } from './projects';
import type { NotebookPublishedEvent, NotebookUnpublishedEvent } from './shared-notebooks';

/** The phases of a launch, in the order they happen. */
export const LAUNCH_PHASES = [
  'validate',
  'resolve-image',
  'prepare-network',
  'prepare-storage',
  'run-instance',
  'wait-running',
  'bootstrap',
  'health-check',
  'ready'
] as const;

export type LaunchPhase = (typeof LAUNCH_PHASES)[number] | 'failed';

export type WorkstationState =
  | 'pending'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'hibernated'
  | 'terminated'
  | 'failed';

export type Arch = 'arm64' | 'x86_64';

/** A problem as the API reports it (RFC 9457 plus `code` and `hint`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  hint: string;
  /** `AWS_PERMISSION_DENIED` only: the IAM policy statement that grants the refused action. */
  policyStatement?: PolicyStatement;
}

/** One statement of an IAM policy, spelled as AWS's policy JSON spells it. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string;
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface ProgressEvent {
  kind: 'progress';
  /** Prism's workstation id (the `prism:launch` tag), not the EC2 instance id. */
  id: string;
  phase: LaunchPhase;
  /** 1-based index of `phase` among LAUNCH_PHASES. */
  step: number;
  steps: number;
  /** 0..100, never goes down within one launch. */
  percent: number;
  /** Seconds until ready, estimated; null when unknown. */
  etaSeconds: number | null;
  message: string;
  /** ISO 8601. */
  at: string;
  /** Set when phase is `failed`. */
  problem?: Problem;
  /** Its place in the service's kept history: one counter for every workstation, only ever increasing. */
  seq?: number;
}

export interface LogEvent {
  kind: 'log';
  id: string;
  line: string;
  at: string;
  /** Its place in the service's kept history: one counter for every workstation, only ever increasing. */
  seq?: number;
}

export interface StateEvent {
  kind: 'state';
  id: string;
  state: WorkstationState;
  at: string;
  /** Its place in the service's kept history: one counter for every workstation, only ever increasing. */
  seq?: number;
}

/** What an idle rule does: hibernate only where the workstation supports it, else stop. */
export type IdleAction = 'stop' | 'hibernate';

/**
 * An idle rule at work (docs/idle.md): `warning` before it acts (socket
 * `instance:idle-warning`), `postponed` when someone kept the workstation
 * running, `acted` when it stopped or hibernated it.
 */
export interface IdleEvent {
  kind: 'idle';
  id: string;
  status: 'warning' | 'postponed' | 'acted';
  action: IdleAction;
  /** ISO 8601: when the rule acts (acted: when it did). */
  actAt: string;
  /** In words, e.g. "idle 60 min: no busy kernel, no terminal, no SSH, no running job, CPU 1%". */
  reason: string;
  /** For `postponed`: who kept it running. */
  by?: string;
  at: string;
  /** Its place in the service's kept history: one counter for every workstation, only ever increasing. */
  seq?: number;
}

/**
 * A workstation changed outside its launch (a dataset or volume attached or
 * detached, a mount's status reported): the workstation as `GET
 * /instances/:id` now returns it. Not kept in its history; the log lines are.
 */
export interface WorkstationUpdatedEvent {
  kind: 'updated';
  id: string;
  workstation: Workstation;
  at: string;
}

/** One entry of `GET /instances/:id/events`: the same objects the socket emits. */
export type WorkstationEvent = ProgressEvent | LogEvent | StateEvent | IdleEvent;

/**
 * Sent once on every connection, after the replay: the client now has the
 * kept history of its workstations up to `seq` (docs/api.md, "Replay after
 * a reconnect"). `complete: false`: more was missed than one replay sends;
 * read each workstation's `GET /instances/:id/events` instead.
 */
export interface CaughtUpEvent {
  seq: number;
  /** How many missed events were sent before this (0 without `since`). */
  replayed: number;
  complete: boolean;
}

/** What a client sends in the handshake's `auth`. */
export interface SocketAuth {
  /** The Prism token (or the Authorization header). */
  token?: string;
  /** The highest `seq` this client has seen: every kept event after it is sent again, in order, on connecting. */
  since?: number;
}

/**
 * A client's place in the history, kept across reconnections: pass `auth()`
 * as the socket's auth callback and every incoming event to `hear` (socket.onAny).
 */
export class EventCursor {
  private seq: number | undefined;

  /** The handshake's auth: `base` plus `since`, once anything has been heard. */
  auth(base: SocketAuth): SocketAuth {
    return this.seq === undefined ? base : { ...base, since: this.seq };
  }

  hear(_event: string, payload?: unknown): void {
    const seq = (payload as { seq?: unknown } | undefined)?.seq;
    if (typeof seq === 'number' && (this.seq === undefined || seq > this.seq)) {
      this.seq = seq;
    }
  }
}

export interface ServerToClientEvents {
  'instance:progress': (event: ProgressEvent) => void;
  'instance:log': (event: LogEvent) => void;
  'instance:state': (event: StateEvent) => void;
  /** The workstation will be stopped or hibernated at `actAt` unless kept running (POST /instances/:id/keep-running). */
  'instance:idle-warning': (event: IdleEvent) => void;
  /** The workstation changed outside its launch: its mounts (docs/api.md, "Attach to a running workstation"). */
  'instance:updated': (event: WorkstationUpdatedEvent) => void;
  /** A new monitoring point of one of the owner's workstations (docs/monitoring.md); not kept in its history. */
  'instance:metrics': (event: MetricsEvent) => void;
  /** A project's budget reached a threshold (50, 80, 100 %), or its hard stop acted; sent to the project's room. */
  'project:budget': (event: BudgetEvent) => void;
  /** A version of a shared notebook was published in the project; sent to the project's room (docs/api.md, "Shared notebooks"). */
  'notebook:published': (event: NotebookPublishedEvent) => void;
  /** A shared notebook (`version` null) or one of its versions was unpublished; sent to the project's room. */
  'notebook:unpublished': (event: NotebookUnpublishedEvent) => void;
  /** Once per connection, after replaying what the client missed since `auth.since`. */
  'events:caught-up': (event: CaughtUpEvent) => void;
  /** The service is shutting down and is about to close the connection; connect again to the next start. */
  'service:shutting-down': (event: { reason: string; at: string }) => void;
}

/** Acknowledgement shape for client requests over the socket. */
export type Ack<T> = (response: { data: T } | { error: Problem }) => void;

export interface ClientToServerEvents {
  /** Join the live stream of one workstation the caller may see. */
  'instance:watch': (id: string, ack: Ack<{ watching: string }>) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  user: string;
}
