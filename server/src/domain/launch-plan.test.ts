import type { LaunchRequest } from '../contract/api';
import { PrismError } from './errors';
import { planLaunch } from './launch-plan';
import type { WorkstationRecord } from './ports';
import { defaultCatalog, request, StubCatalog, workstationRecord } from './testing/harness';

const catalog = defaultCatalog();

/** The refusal planLaunch throws, so a test can look at its code and hint. */
function refusal(req: LaunchRequest, owned: WorkstationRecord[] = [], from = catalog): PrismError {
  try {
    planLaunch(from, req, owned);
  } catch (error) {
    if (error instanceof PrismError) return error;
    throw error;
  }
  throw new Error('planLaunch accepted the request');
}

describe('planning a launch', () => {
  it.each(['', 'Thesis', '-leading-dash', 'has space', 'under_score', 'a'.repeat(64)])(
    'refuses the name %j with a hint on what a name may hold',
    name => {
      const error = refusal(request({ name }));
      expect(error).toMatchObject({ code: 'NAME_INVALID', status: 400 });
      expect(error.hint).toMatch(/lower-case letters, digits and dashes/);
    }
  );

  it('accepts a name of 63 lower-case letters, digits and dashes', () => {
    expect(planLaunch(catalog, request({ name: `a${'-1'.repeat(31)}` }), []).size).toBe('small');
  });

  it('refuses a name already used by one of the owner’s live workstations', () => {
    for (const state of ['pending', 'running', 'stopped', 'hibernated'] as const) {
      const error = refusal(request(), [workstationRecord({ state })]);
      expect(error).toMatchObject({ code: 'NAME_TAKEN', status: 409 });
      expect(error.hint).toMatch(/another name|terminate/);
    }
  });

  it('allows the name of a terminated or failed workstation to be used again', () => {
    const owned = [
      workstationRecord({ id: 'ws-1', state: 'terminated' }),
      workstationRecord({ id: 'ws-2', state: 'failed', phase: 'failed' })
    ];
    expect(planLaunch(catalog, request(), owned).template.name).toBe('python-ml');
  });

  it('refuses an unknown template and lists the known ones in the hint', () => {
    const error = refusal(request({ template: 'pyhton-ml' }));
    expect(error).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', status: 404 });
    expect(error.detail).toContain("'pyhton-ml'");
    expect(error.hint).toBe('Choose one of: python-ml, r-rstudio.');
  });

  it('refuses a template version that is not loaded, naming the version', () => {
    const error = refusal(request({ version: '9.9.9' }));
    expect(error.code).toBe('TEMPLATE_NOT_FOUND');
    expect(error.detail).toContain('9.9.9');
  });

  it('says where templates come from when none are loaded', () => {
    expect(refusal(request(), [], new StubCatalog([])).hint).toContain('PRISM_TEMPLATES_DIR');
  });

  it('refuses an arch the template does not offer and names the ones it does', () => {
    const error = refusal(request({ template: 'r-rstudio', arch: 'arm64' }));
    expect(error).toMatchObject({ code: 'ARCH_NOT_SUPPORTED', status: 400 });
    expect(error.hint).toBe('Choose x86_64.');
  });

  it('refuses an unknown size and lists the template’s sizes', () => {
    const error = refusal(request({ size: 'huge' }));
    expect(error).toMatchObject({ code: 'SIZE_UNKNOWN', status: 400 });
    expect(error.hint).toBe('Choose one of: small, large, compute.');
  });

  it('refuses a size without an instance type for the arch and lists the sizes that have one', () => {
    const error = refusal(request({ size: 'compute', arch: 'x86_64' }));
    expect(error).toMatchObject({ code: 'SIZE_NOT_FOR_ARCH', status: 400 });
    expect(error.hint).toBe('Choose a size offered on x86_64: small, large.');
  });

  it('picks the size table’s instance type for each arch', () => {
    expect(planLaunch(catalog, request({ arch: 'arm64', size: 'large' }), [])).toMatchObject({
      arch: 'arm64',
      size: 'large',
      instanceType: 'm7g.2xlarge'
    });
    expect(planLaunch(catalog, request({ arch: 'x86_64', size: 'large' }), []).instanceType).toBe('m7i.2xlarge');
  });

  it('uses the template’s default size when none is asked for', () => {
    expect(planLaunch(catalog, request({ arch: 'x86_64' }), [])).toMatchObject({ size: 'small', instanceType: 't3.medium' });
  });

  it('lets an explicit instance type win over the size table', () => {
    const plan = planLaunch(catalog, request({ arch: 'arm64', size: 'small', instanceType: 'r7g.xlarge' }), []);
    expect(plan).toMatchObject({ size: 'small', instanceType: 'r7g.xlarge' });
  });

  it('launches the pinned template version when one is asked for', () => {
    const pinned = new StubCatalog([
      { ...catalog.get('python-ml')!, version: '1.0.0' },
      catalog.get('python-ml')!
    ]);
    expect(planLaunch(pinned, request({ version: '1.0.0' }), []).template.version).toBe('1.0.0');
    expect(planLaunch(pinned, request(), []).template.version).toBe('1.2.0');
  });
});
