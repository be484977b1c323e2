/**
 * The agent's resource readings, measured for real by its own python on this
 * machine: what the monitoring graphs are drawn from.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { idleAgentCommands } from './idle-agent';

/** The agent's script as the bootstrap writes it, without its endless loop. */
function agentFunctions(): string {
  const lines = idleAgentCommands({ report: { url: 'http://127.0.0.1:1', bucket: null, token: 't' } });
  const script = lines.slice(lines.findIndex(l => l.includes("<<'PRISM_AGENT'")) + 1, lines.indexOf('PRISM_AGENT'));
  expect(script.pop()).toBe('main()');
  return script.join('\n');
}

function measure(): Record<string, number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-agent-'));
  try {
    fs.writeFileSync(path.join(dir, 'agent.py'), `${agentFunctions()}\nprint(json.dumps(resources()))\n`);
    fs.writeFileSync(path.join(dir, 'agent.env'), `DRY_RUN=1\nROOT=${dir}\nINTERVAL_SECONDS=2\n`);
    return JSON.parse(execFileSync('python3', [path.join(dir, 'agent.py'), path.join(dir, 'agent.env')], { encoding: 'utf8' }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the idle agent', () => {
  it('reports memory, disk and network totals that match this machine', () => {
    const found = measure();
    expect(found.memoryPercent).toBeGreaterThan(0);
    expect(found.memoryPercent).toBeLessThanOrEqual(100);
    // free(1)'s "used" in MiB, give or take what changed between the two readings.
    const totalMiB = os.totalmem() / 1024 / 1024;
    expect(found.memoryUsedMiB).toBeCloseTo((found.memoryPercent / 100) * totalMiB, -2);
    expect(found.diskPercent).toBeGreaterThan(0);
    expect(found.diskPercent).toBeLessThanOrEqual(100);
    const dev = fs.readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).filter(r => r.includes(':') && r.split(':')[0].trim() !== 'lo');
    const rx = dev.reduce((sum, r) => sum + Number(r.split(':')[1].trim().split(/\s+/)[0]), 0);
    expect(found.networkRxBytes).toBeLessThanOrEqual(rx);
    expect(found.networkRxBytes).toBeGreaterThanOrEqual(0);
    expect(found.networkTxBytes).toBeGreaterThanOrEqual(0);
  });
});
