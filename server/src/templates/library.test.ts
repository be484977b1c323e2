/**
 * The shipped library (templates/): what a researcher choosing a template relies on.
 */
import path from 'node:path';
import { instanceTypeFacts, pricePerHour } from '../domain/price-table';
import { summarizeTemplate } from '../domain/template-summary';
import { loadTemplateLibrary } from './template-library';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'templates');

describe('the template library', () => {
  it('loads with no diagnostics: every template is valid', async () => {
    const { diagnostics } = await loadTemplateLibrary(TEMPLATES_DIR);
    expect(diagnostics).toEqual([]);
  });

  it('offers at least ten templates, each on arm64 and x86_64 with a description', async () => {
    const { templates } = await loadTemplateLibrary(TEMPLATES_DIR);
    const names = [...new Set(templates.map(t => t.name))];
    expect(names).toEqual(
      expect.arrayContaining([
        'amazon-linux',
        'ubuntu',
        'python-ml',
        'deep-learning-gpu',
        'r-rstudio',
        'bioinformatics',
        'geospatial',
        'julia',
        'hpc',
        'data-engineering'
      ])
    );
    for (const template of templates) {
      expect([template.name, template.arches]).toEqual([template.name, ['arm64', 'x86_64']]);
      expect(template.description.length).toBeGreaterThan(60);
    }
  });

  it('prices every size of every template in us-east-1, with its vCPUs', async () => {
    const { templates } = await loadTemplateLibrary(TEMPLATES_DIR);
    for (const template of templates) {
      for (const [arch, choices] of Object.entries(summarizeTemplate(template, 'us-east-1').sizes)) {
        expect([template.name, arch, choices.length]).not.toEqual([template.name, arch, 0]);
        for (const choice of choices) {
          expect([choice.instanceType, pricePerHour(choice.instanceType, 'us-east-1')]).not.toEqual([choice.instanceType, null]);
          expect(instanceTypeFacts(choice.instanceType)?.vcpus).toBeGreaterThan(0);
        }
      }
    }
  });

  it('runs the GPU template on g5 for x86_64 and g5g for Graviton', async () => {
    const { templates } = await loadTemplateLibrary(TEMPLATES_DIR);
    const gpu = templates.find(t => t.name === 'deep-learning-gpu');
    expect(Object.values(gpu?.sizes ?? {}).map(types => [types.arm64?.split('.')[0], types.x86_64?.split('.')[0]])).toEqual([
      ['g5g', 'g5'],
      ['g5g', 'g5'],
      ['g5g', 'g5']
    ]);
    expect(gpu?.archSetup?.arm64).not.toEqual(gpu?.archSetup?.x86_64);
  });

  it('bases the Ubuntu templates on Canonical’s 24.04 images and the ubuntu user', async () => {
    const { templates } = await loadTemplateLibrary(TEMPLATES_DIR);
    const ubuntu = templates.filter(t => t.os === 'ubuntu-24.04').map(t => t.name);
    expect(ubuntu).toEqual(expect.arrayContaining(['ubuntu', 'deep-learning-gpu']));
    for (const template of templates.filter(t => t.os === 'ubuntu-24.04')) {
      expect(template.user).toBe('ubuntu');
      expect(template.image.arm64.owner).toBe('099720109477');
      expect(template.image.x86_64.namePattern).toContain('ubuntu-noble-24.04-amd64-server-');
    }
  });

  it('lets a researcher choose python-ml’s Python version, 3.12 unless they say', async () => {
    const { templates } = await loadTemplateLibrary(TEMPLATES_DIR);
    const pythonMl = templates.filter(t => t.name === 'python-ml').pop();
    expect(pythonMl?.parameters).toEqual([
      { name: 'pythonVersion', type: 'enum', enum: ['3.11', '3.12'], default: '3.12', description: expect.any(String) }
    ]);
  });
});
