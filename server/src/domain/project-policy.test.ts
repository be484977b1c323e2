/**
 * What counts against a project's allocation and what a size allows, on a
 * stubbed store and catalog (the service end to end is in
 * server/test/project-policy.test.ts).
 */
import type { ProjectPolicySetting } from '../contract/projects';
import { PrismError } from './errors';
import type { TemplateCatalog, WorkstationRecord } from './ports';
import { ProjectPolicies, type StoredProjectPolicy } from './project-policy';
import type { Template } from './template';
import { silentLogger } from './testing/harness';

const AMAZON = { name: 'amazon-linux', sizes: { small: { x86_64: 't3.medium' }, large: { x86_64: 'm7i.2xlarge' } } } as unknown as Template;
const catalog: TemplateCatalog = { list: () => [AMAZON], get: name => (name === AMAZON.name ? AMAZON : undefined), validate: () => [] };

let records: Partial<WorkstationRecord>[];
let policies: ProjectPolicies;

beforeEach(() => {
  records = [];
  const stored = new Map<string, StoredProjectPolicy>();
  policies = new ProjectPolicies({
    projects: { require: () => 'admin', roleOf: () => 'admin', admins: () => ['alice'] },
    store: { projectPolicy: id => stored.get(id), setProjectPolicy: (id, policy) => stored.set(id, policy) },
    catalog,
    workstations: () => records as WorkstationRecord[],
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    logger: silentLogger()
  });
});

const set = (setting: ProjectPolicySetting) => policies.setPolicy('alice', 'genomics', setting);
const launch = (owner: string, size: string, instanceType: string) =>
  policies.admitLaunch(owner, 'genomics', { template: AMAZON, arch: 'x86_64', size, instanceType });
const codeOf = (act: () => void): string | undefined => {
  try {
    act();
    return undefined;
  } catch (error) {
    return (error as PrismError).code;
  }
};

it('counts stopped and hibernated workstations, not failed or terminated ones, nor another project’s', () => {
  set({ maxWorkstations: 3 });
  records = (['stopped', 'hibernated', 'failed', 'terminated'] as const).map(state => ({ project: 'genomics', owner: 'bob', state }));
  records.push({ project: 'physics', owner: 'bob', state: 'running' });
  expect(policies.getPolicy('bob', 'genomics').workstations).toBe(2);
  expect(codeOf(() => launch('bob', 'small', 't3.medium'))).toBeUndefined();
  records.push({ project: 'genomics', owner: 'carol', state: 'pending' });
  expect(codeOf(() => launch('bob', 'small', 't3.medium'))).toBe('ALLOCATION_EXCEEDED');
});

it('holds each member to their own share', () => {
  set({ maxWorkstationsPerMember: 1 });
  records = [{ project: 'genomics', owner: 'bob', state: 'running' }];
  expect(codeOf(() => launch('bob', 'small', 't3.medium'))).toBe('ALLOCATION_EXCEEDED');
  expect(codeOf(() => launch('carol', 'small', 't3.medium'))).toBeUndefined();
});

it('tells each caller how many of the counted workstations are their own', () => {
  records = (['running', 'stopped', 'failed'] as const).map(state => ({ project: 'genomics', owner: 'bob', state }));
  records.push({ project: 'genomics', owner: 'carol', state: 'hibernated' }, { project: 'physics', owner: 'bob', state: 'running' });
  expect(policies.getPolicy('bob', 'genomics')).toMatchObject({ workstations: 3, yourWorkstations: 2 });
  expect(policies.getPolicy('carol', 'genomics')).toMatchObject({ workstations: 3, yourWorkstations: 1 });
  expect(policies.getPolicy('dave', 'genomics')).toMatchObject({ workstations: 3, yourWorkstations: 0 });
});

it('allows a size only with its own instance type, and an instance type by name', () => {
  set({ sizes: ['small'], instanceTypes: ['g5.xlarge'] });
  expect(codeOf(() => launch('bob', 'small', 't3.medium'))).toBeUndefined();
  expect(codeOf(() => launch('bob', 'small', 'g5.4xlarge'))).toBe('SIZE_NOT_ALLOWED');
  expect(codeOf(() => launch('bob', 'small', 'g5.xlarge'))).toBeUndefined();
  expect(codeOf(() => launch('bob', 'large', 'm7i.2xlarge'))).toBe('SIZE_NOT_ALLOWED');
});

it('refuses every template and size when the lists are empty, naming the admins', () => {
  set({ templates: [], sizes: [] });
  expect(() => launch('bob', 'small', 't3.medium')).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_ALLOWED', hint: 'The project allows no template now; ask a project admin (alice).' }));
  set({ sizes: [] });
  expect(() => launch('bob', 'small', 't3.medium')).toThrow(expect.objectContaining({ code: 'SIZE_NOT_ALLOWED', hint: 'The project allows no size now; ask a project admin (alice).' }));
});
