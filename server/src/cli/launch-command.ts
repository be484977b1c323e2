/**
 * `prism launch TEMPLATE --arch A`: POST /instances, then follow the launch on
 * the socket to ready (or failed) with a progress bar and the boot log.
 */
import crypto from 'node:crypto';
import type { DatasetRequest, LaunchParameterValue, LaunchRequest, TemplateSummary, Workstation } from '../contract/api';
import type { Arch, LogEvent, ProgressEvent } from '../contract/events';
import { CliError, usageError } from './cli-error';
import { printJson, type Output } from './output';
import { progressView } from './progress-view';
import { openEvents } from './realtime-client';
import type { ServiceClient } from './service-client';

/** The socket carries the launch; this poll only notices an ending the socket missed (a dropped connection). */
const SAFETY_POLL_MS = 5_000;

export interface LaunchOptions {
  template: string;
  arch: Arch;
  size?: string;
  name?: string;
  /** The project it is launched in (its budget and members), if any. */
  project?: string;
  datasets: string[];
  params: string[];
  wait: boolean;
}

export async function launchWorkstation(client: ServiceClient, options: LaunchOptions, out: Output): Promise<void> {
  const { summary } = await client.get<{ summary: TemplateSummary }>(`/templates/${encodeURIComponent(options.template)}`);
  const request: LaunchRequest = {
    name: options.name ?? `${options.template}-${crypto.randomBytes(2).toString('hex')}`,
    template: options.template,
    arch: options.arch,
    ...(options.size !== undefined && { size: options.size }),
    ...(options.project !== undefined && { project: options.project }),
    ...(options.datasets.length > 0 && { datasets: options.datasets.map(datasetOf) }),
    ...(options.params.length > 0 && { parameters: parametersOf(options.params, summary) })
  };
  if (!options.wait) {
    const launched = await client.request<{ id: string; workstation: Workstation }>('POST', '/instances', request);
    return out.json ? printJson(out, launched) : out.print(launched.id);
  }
  // Connected before the launch starts, so its first events are not missed.
  const socket = await openEvents(client);
  try {
    const { id } = await client.request<{ id: string }>('POST', '/instances', request);
    const view = progressView(process.stderr, request.name);
    const ws = await followLaunch(client, socket, id, view);
    view.end();
    if (ws.phase !== 'ready') throw launchFailed(ws);
    if (out.json) return printJson(out, ws);
    out.print(`${ws.name} is ready (${ws.id}, ${ws.instanceType}). Connect: prism connect ${ws.name}`);
  } finally {
    socket.close();
  }
}

async function followLaunch(
  client: ServiceClient,
  socket: Awaited<ReturnType<typeof openEvents>>,
  id: string,
  view: ReturnType<typeof progressView>
): Promise<Workstation> {
  await new Promise<void>(resolve => {
    const finish = (): void => {
      clearInterval(poll);
      resolve();
    };
    socket.on('instance:progress', (event: ProgressEvent) => {
      if (event.id !== id) return;
      view.progress(event);
      if (event.phase === 'ready' || event.phase === 'failed') finish();
    });
    socket.on('instance:log', (event: LogEvent) => {
      if (event.id === id) view.log(event.line);
    });
    const poll = setInterval(() => {
      client.get<Workstation>(`/instances/${id}`).then(
        ws => (ws.phase === 'ready' || ws.phase === 'failed' || ws.state === 'terminated') && finish(),
        () => undefined
      );
    }, SAFETY_POLL_MS);
  });
  return client.get<Workstation>(`/instances/${id}`);
}

function launchFailed(ws: Workstation): CliError {
  const error = ws.error;
  if (!error) return new CliError('The launch ended', `${ws.name} is ${ws.state}.`, '`prism list` shows it; launch again.', 'LAUNCH_FAILED');
  return new CliError(error.title, `${ws.name}: ${error.detail}`, error.hint, error.code, 1, error.policyStatement);
}

/** `s3://bucket/prefix` (prefix optional). */
function datasetOf(uri: string): DatasetRequest {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw usageError(`--dataset ${uri} is not an S3 location.`, 'For example: --dataset s3://my-bucket/genomes/');
  return { s3: { bucket: match[1], ...(match[2] && { prefix: match[2] }) } };
}

/** `k=v`, typed as the template declares the parameter (the service refuses a number sent as text). */
function parametersOf(pairs: string[], summary: TemplateSummary): Record<string, LaunchParameterValue> {
  const parameters: Record<string, LaunchParameterValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`--param ${pair} is not NAME=VALUE.`, 'For example: --param pythonVersion=3.12');
    const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
    const type = summary.parameters.find(p => p.name === name)?.type;
    // Anything else goes as typed text: the service answers PARAMETER_INVALID with what it expects.
    if (type === 'integer' && /^-?\d+$/.test(value)) parameters[name] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) parameters[name] = value === 'true';
    else parameters[name] = value;
  }
  return parameters;
}
