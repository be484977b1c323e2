/**
 * The agent's storage work (domain/idle-agent.ts), run by its own python on
 * this machine in a dry run: what it mounts, re-mounts and unmounts and what
 * it reports; the mount commands it would run on a workstation; and the
 * files it reads out of `aws s3 sync`'s output.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { idleAgentCommands } from './idle-agent';
import { EMULATED_MOUNT_MARKER, type MountSpec } from './mount-spec';

/** The agent's script as the bootstrap writes it, without its endless loop. */
function agentFunctions(): string {
  const lines = idleAgentCommands({ report: { url: 'http://127.0.0.1:1', bucket: null, token: 't' } });
  const script = lines.slice(lines.findIndex(l => l.includes("<<'PRISM_AGENT'")) + 1, lines.indexOf('PRISM_AGENT'));
  expect(script.pop()).toBe('main()');
  return script.join('\n');
}

let dir: string;

/** A value for the python harness: JSON read by python's json. */
const py = (value: unknown): string => `json.loads(${JSON.stringify(JSON.stringify(value))})`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-mount-agent-'));
  fs.mkdirSync(path.join(dir, 'state'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `body` after the agent's functions, with `send` keeping the reports; prints what `body` returns as JSON. */
function agent(body: string, dryRun = true): unknown {
  const harness = [
    agentFunctions(),
    'SENT = []',
    'def send(report):',
    '    SENT.append(report)',
    'def test():',
    ...body.split('\n').map(line => `    ${line}`),
    'print(json.dumps(test()))'
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'agent.py'), harness);
  fs.writeFileSync(
    path.join(dir, 'agent.env'),
    `DRY_RUN=${dryRun ? 1 : 0}\nROOT=${dir}/root\nSTATE_DIR=${dir}/state\nREGION=eu-west-1\nWORKSTATION_USER=nobody-here\nINTERVAL_SECONDS=1\n`
  );
  const out = execFileSync('python3', [path.join(dir, 'agent.py'), path.join(dir, 'agent.env')], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

const DATASET: MountSpec = {
  ref: 'genomes',
  path: '/data/genomes',
  kind: 's3',
  source: 's3://lab/genomes/',
  s3: { bucket: 'lab', prefix: 'genomes/', readOnly: true }
};
const VOLUME: MountSpec = {
  ref: 'vol-0a1b',
  path: '/mnt/efs/shared',
  kind: 'efs',
  source: 'vol-0a1b',
  efs: { fileSystemId: 'fs-0c2d', accessPointId: 'fsap-0e3f' }
};

interface Report {
  type: string;
  line?: string;
  mounts: { path: string; status: string; reason?: string }[];
}

describe('the agent keeping mounts', () => {
  it('mounts what is missing, reports once, re-mounts a dropped mount and unmounts a detached one', () => {
    const rounds = agent(`
desired = ${py([DATASET, VOLUME])}
rounds = []
keep_mounts(desired)
rounds.append(list(SENT)); SENT.clear()
keep_mounts(desired)
rounds.append(list(SENT)); SENT.clear()
os.remove(os.path.join(local("/data/genomes"), EMULATED_MOUNT_MARKER))
keep_mounts(desired)
rounds.append(list(SENT)); SENT.clear()
keep_mounts(desired[1:])
rounds.append(list(SENT)); SENT.clear()
return rounds`) as Report[][];

    const [first, quiet, healed, detached] = rounds;
    expect(first).toHaveLength(1);
    expect(first[0].type).toBe('mounts');
    expect(first[0].line?.split('\n')).toEqual(['mounted s3://lab/genomes/ at /data/genomes', 'mounted vol-0a1b at /mnt/efs/shared']);
    expect(first[0].mounts.map(m => [m.path, m.status])).toEqual([
      ['/data/genomes', 'mounted'],
      ['/mnt/efs/shared', 'mounted']
    ]);
    expect(quiet).toEqual([]);
    expect(healed).toHaveLength(1);
    expect(healed[0].line).toBe('re-mounted /data/genomes: it had dropped');
    expect(detached[0].line).toBe('unmounted /data/genomes: it was detached');
    expect(detached[0].mounts.map(m => m.path)).toEqual(['/mnt/efs/shared']);
    expect(fs.existsSync(path.join(dir, 'root', 'data', 'genomes', EMULATED_MOUNT_MARKER))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'root', 'mnt', 'efs', 'shared', EMULATED_MOUNT_MARKER))).toBe(true);
  });

  it('keeps a mount the bootstrap made without saying it mounted it', () => {
    fs.mkdirSync(path.join(dir, 'root', 'mnt', 'efs', 'shared'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'root', 'mnt', 'efs', 'shared', EMULATED_MOUNT_MARKER), '');
    const sent = agent(`keep_mounts(${py([VOLUME])})\nreturn SENT`) as Report[];
    expect(sent).toEqual([expect.objectContaining({ type: 'mounts', mounts: [expect.objectContaining({ path: '/mnt/efs/shared', status: 'mounted' })] })]);
    expect(sent[0].line).toBeUndefined();
  });

  it('unmounts a mount the bootstrap made that is no longer wanted at its first round, and reports the one still wanted', () => {
    for (const mountPath of ['/project', '/mnt/efs/shared']) {
      fs.mkdirSync(path.join(dir, 'root', mountPath), { recursive: true });
      fs.writeFileSync(path.join(dir, 'root', mountPath, EMULATED_MOUNT_MARKER), '');
    }
    fs.writeFileSync(path.join(dir, 'state', 'boot-mounts'), '/mnt/efs/shared\n/project\n');
    const sent = agent(`keep_mounts(${py([VOLUME])})\nreturn SENT`) as Report[];
    expect(sent).toHaveLength(1);
    expect(sent[0].line).toBe('unmounted /project: it was detached');
    expect(sent[0].mounts).toEqual([expect.objectContaining({ path: '/mnt/efs/shared', status: 'mounted' })]);
    expect(fs.existsSync(path.join(dir, 'root', 'project', EMULATED_MOUNT_MARKER))).toBe(false);
  });

  it('mounts as the bootstrap does: Mountpoint read-only under the prefix as the workstation user, EFS through the access point with TLS', () => {
    const commands = agent(`return [mount_command(s) for s in ${py([DATASET, { ...DATASET, s3: { bucket: 'scratch', prefix: '', readOnly: false } }, VOLUME])}]`, false);
    const uid = String(process.getuid?.());
    expect(commands).toEqual([
      ['mount-s3', '--region', 'eu-west-1', '--allow-other', '--uid', uid, '--gid', String(process.getgid?.()), '--read-only', '--prefix', 'genomes/', 'lab', '/data/genomes'],
      ['mount-s3', '--region', 'eu-west-1', '--allow-other', '--uid', uid, '--gid', String(process.getgid?.()), '--allow-delete', 'scratch', '/data/genomes'],
      ['mount', '-t', 'efs', '-o', 'tls,accesspoint=fsap-0e3f', 'fs-0c2d:/', '/mnt/efs/shared']
    ]);
  });
});

describe('the agent running syncs', () => {
  it('reads the downloaded files out of aws s3 sync’s output, relative to the source, with their size', () => {
    const destination = path.join(dir, 'dest');
    fs.mkdirSync(path.join(destination, 'runs'), { recursive: true });
    fs.writeFileSync(path.join(destination, 'a.csv'), 'x,y\n');
    fs.writeFileSync(path.join(destination, 'runs', 'from a to b.txt'), '0123456789');
    const output = [
      `download: s3://lab/raw/a.csv to ${destination}/a.csv`,
      `download: s3://lab/raw/runs/from a to b.txt to ${destination}/runs/from a to b.txt`,
      'warning: Skipping file /x. File does not exist.',
      `download: s3://other/raw/a.csv to ${destination}/a.csv`
    ].join('\n');
    const files = agent(`return copied(${JSON.stringify(output)}, "s3://lab/raw/", ${JSON.stringify(destination)})`);
    expect(files).toEqual([
      { path: 'a.csv', bytes: 4 },
      { path: 'runs/from a to b.txt', bytes: 10 }
    ]);
  });

  it('runs each sync run once, however often the service lists it', () => {
    const ran = agent(`
calls = []
def counted(order):
    calls.append(order["run"])
    return {"run": order["run"], "status": "ok", "files": []}
globals()["sync"] = counted
orders = [{"run": "run-1", "source": "s3://lab/raw/", "destination": "/mnt/efs/w/in"}]
run_syncs(orders)
run_syncs(orders + [{"run": "run-2", "source": "s3://lab/raw/", "destination": "/mnt/efs/w/in"}])
return {"calls": calls, "sent": [r["sync"]["run"] for r in SENT]}`);
    expect(ran).toEqual({ calls: ['run-1', 'run-2'], sent: ['run-1', 'run-2'] });
  });

  it('reports a failed sync with the last thing aws said', () => {
    const result = agent(`
globals()["aws"] = lambda *args: ["sh", "-c", "echo 'fatal error: An error occurred (NoSuchBucket)' >&2; exit 1"]
globals()["aws_cli_missing"] = lambda: None
return sync({"run": "run-9", "source": "s3://gone/", "destination": "/mnt/efs/w/in"})`);
    expect(result).toEqual({ run: 'run-9', status: 'failed', files: [], reason: 'fatal error: An error occurred (NoSuchBucket)' });
  });

  it('fails a sync with the reason when the workstation has no AWS CLI and none can be installed', () => {
    const result = agent(`
shutil.which = lambda name: None
return sync({"run": "run-3", "source": "s3://lab/raw/", "destination": "/mnt/efs/w/in"})`);
    expect(result).toEqual({ run: 'run-3', status: 'failed', files: [], reason: 'the AWS CLI is not installed on this workstation' });
  });
});

describe('the agent keeping a project space', () => {
  it('mounts a viewer’s access point read-only, and mounts anew when the access point at a path changes', () => {
    const readOnly: MountSpec = { ...VOLUME, efs: { fileSystemId: 'fs-0c2d', accessPointId: 'fsap-viewer', readOnly: true } };
    const result = agent(`
keep_mounts(${py([VOLUME])})
SENT.clear()
keep_mounts(${py([readOnly])})
return {"command": mount_command(${py(readOnly)}), "sent": SENT, "known": load("mounts.json", {})}`) as { command: string[]; sent: Report[]; known: Record<string, { via: string }> };
    expect(result.command).toEqual(['mount', '-t', 'efs', '-o', 'tls,accesspoint=fsap-viewer,ro', 'fs-0c2d:/', '/mnt/efs/shared']);
    expect(result.sent).toHaveLength(1);
    expect(result.sent[0].line).toBe('mounted vol-0a1b at /mnt/efs/shared');
    expect(JSON.parse(result.known['/mnt/efs/shared'].via)).toMatchObject({ accessPointId: 'fsap-viewer' });
  });
});

describe('the agent keeping team keys', () => {
  const keysFile = (): string => path.join(dir, 'root', 'home', 'nobody-here', '.ssh', 'authorized_keys');
  const ALICE = { user: 'alice', fingerprint: 'SHA256:a', line: 'ssh-ed25519 AAAAalice prism:alice' };
  const BOB = { user: 'bob', fingerprint: 'SHA256:b', line: 'ssh-ed25519 AAAAbob prism:bob' };

  it('writes the team’s block beside the owner’s key pair, says so once, and takes a removed key out', () => {
    fs.mkdirSync(path.dirname(keysFile()), { recursive: true });
    fs.writeFileSync(keysFile(), 'ssh-rsa AAAAowner prism-alice\n');
    const sent = agent(`
keep_keys(${py([ALICE, BOB])})
first = open(local("/home/nobody-here/.ssh/authorized_keys")).read()
keep_keys(${py([ALICE, BOB])})
keep_keys(${py([ALICE])})
return {"first": first, "sent": [r["line"] for r in SENT]}`) as { first: string; sent: string[] };
    expect(sent.first.split('\n')).toEqual([
      'ssh-rsa AAAAowner prism-alice',
      expect.stringMatching(/^# BEGIN Prism team keys/),
      ALICE.line,
      BOB.line,
      '# END Prism team keys',
      ''
    ]);
    expect(sent.sent).toEqual(['team keys in authorized_keys: 2 keys of alice, bob', 'team keys in authorized_keys: 1 key of alice']);
    expect(fs.readFileSync(keysFile(), 'utf8')).toBe(`ssh-rsa AAAAowner prism-alice\n# BEGIN Prism team keys (kept by the Prism agent: add your own lines outside this block)\n${ALICE.line}\n# END Prism team keys\n`);
    expect(fs.statSync(keysFile()).mode & 0o777).toBe(0o600);
  });

  it('leaves no block and the owner’s lines alone when nobody has a key', () => {
    fs.mkdirSync(path.dirname(keysFile()), { recursive: true });
    fs.writeFileSync(keysFile(), `ssh-rsa AAAAowner prism-alice\n# BEGIN Prism team keys (kept by the Prism agent: add your own lines outside this block)\n${BOB.line}\n# END Prism team keys\nssh-ed25519 AAAAmine added-by-hand\n`);
    agent('keep_keys([])\nreturn None');
    expect(fs.readFileSync(keysFile(), 'utf8')).toBe('ssh-rsa AAAAowner prism-alice\nssh-ed25519 AAAAmine added-by-hand\n');
  });
});
