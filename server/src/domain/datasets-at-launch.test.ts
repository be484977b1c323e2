/**
 * Registered datasets in a launch (launch-storage.ts): resolved for the
 * owner, mounted at /data/<name> after the buckets given by hand, each once.
 */
import { notFound } from './errors';
import { datasetMounts, namedDatasets, type DatasetLookup } from './launch-storage';
import { OWNER, workstationRecord } from './testing/harness';

const lookup: DatasetLookup = (user, name) => {
  if (user !== OWNER || name === 'secret') throw notFound('dataset', name, 'List the datasets you can use with GET /datasets.');
  return { name, bucket: `${name}-bucket`, prefix: name === 'ref' ? 'genomes/' : '', readOnly: name === 'ref', mountPath: `/data/${name}` };
};

describe('registered datasets at launch', () => {
  it('mounts them at /data/<name> beside the buckets given by hand', () => {
    const record = workstationRecord({ datasets: [{ dataset: 'ref' }, { s3: { bucket: 'raw-bucket', prefix: 'x' } }, { dataset: 'scratch' }] });
    expect(datasetMounts(record, lookup)).toEqual([
      { bucket: 'raw-bucket', prefix: 'x', readOnly: true, mountPoint: '/mnt/s3/raw-bucket' },
      { bucket: 'ref-bucket', prefix: 'genomes/', readOnly: true, mountPoint: '/data/ref' },
      { bucket: 'scratch-bucket', prefix: '', readOnly: false, mountPoint: '/data/scratch' }
    ]);
  });

  it("refuses one listed twice, one the owner cannot see, and any when the service keeps no registry", () => {
    expect(() => namedDatasets(OWNER, [{ dataset: 'ref' }, { dataset: 'ref' }], lookup)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', detail: expect.stringContaining("'ref' is listed twice") })
    );
    expect(() => namedDatasets(OWNER, [{ dataset: 'secret' }], lookup)).toThrow(expect.objectContaining({ code: 'DATASET_NOT_FOUND', status: 404 }));
    expect(() => namedDatasets(OWNER, [{ dataset: 'ref' }])).toThrow(expect.objectContaining({ code: 'DATASETS_UNAVAILABLE' }));
    expect(namedDatasets(OWNER, [{ s3: { bucket: 'raw-bucket' } }])).toEqual([]);
  });
});
