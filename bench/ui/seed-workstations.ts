/**
 * Bench only: writes N settled workstation records (phase ready, state
 * stopped, no instance) into a Prism data folder's SQLite with the service's
 * own store, before the service starts. Settled and without an instance, so
 * neither resume nor reconcile touches them; the panel lists them all.
 * Usage: node -r bench/register.js bench/ui/seed-workstations.ts <dataDir> <count> <owner>
 */
import path from 'node:path';
import { SqliteDatabase } from '../../server/src/store/sqlite-database';
import { SqlWorkstationStore } from '../../server/src/store/workstation-store';

const [dataDir, countText, owner] = process.argv.slice(2);
const count = Number(countText);
if (!dataDir || !Number.isInteger(count) || count < 0 || !owner) {
  console.error('usage: seed-workstations.ts <dataDir> <count> <owner>');
  process.exit(2);
}
const database = new SqliteDatabase(path.join(dataDir, 'prism.sqlite'));
const store = new SqlWorkstationStore(database);
const at = new Date().toISOString();
for (let i = 0; i < count; i++) {
  const n = String(i + 1).padStart(4, '0');
  store.insert({
    id: `ws-bench-${n}`,
    name: `bench-${n}`,
    owner,
    project: null,
    template: 'python-ml',
    templateVersion: '1.0.0',
    arch: i % 2 ? 'arm64' : 'x86_64',
    size: 'small',
    instanceType: i % 2 ? 't4g.medium' : 't3.medium',
    state: 'stopped',
    phase: 'ready',
    percent: 100,
    instanceId: null,
    imageId: null,
    pricePerHour: 0.0416,
    datasets: [],
    createdAt: at,
    updatedAt: at,
    bootToken: `bench-boot-${n}`,
    jupyterToken: `bench-jupyter-${n}`,
    lastReportSeq: 0,
    servicePorts: {},
    keyPath: null,
    address: null
  });
}
database.close();
console.log(`seeded ${count} workstations for ${owner} in ${dataDir}`);
