/**
 * The dataset registry, browser and uploads built together over one store
 * and one S3 port, so app.ts wires them in one place.
 */
import { DatasetBrowser } from './dataset-browser';
import type { DatasetObjects } from './dataset-objects';
import { DatasetUploads } from './dataset-uploads';
import { Datasets, type DatasetStore } from './datasets';
import type { Clock, DomainLogger, WorkstationStore } from './ports';
import type { Projects } from './projects';

export interface DatasetPorts {
  store: DatasetStore;
  objects: DatasetObjects;
}

export interface DatasetServices {
  datasets: Datasets;
  browser: DatasetBrowser;
  uploads: DatasetUploads;
}

export function createDatasetServices(deps: {
  ports: DatasetPorts;
  workstations: Pick<WorkstationStore, 'listAll'>;
  projects: Pick<Projects, 'require' | 'listProjects' | 'roleOf'>;
  clock: Clock;
  logger: DomainLogger;
}): DatasetServices {
  const { store, objects } = deps.ports;
  const datasets = new Datasets({ store, objects, workstations: deps.workstations, projects: deps.projects, clock: deps.clock, logger: deps.logger });
  return {
    datasets,
    browser: new DatasetBrowser({ datasets, objects }),
    uploads: new DatasetUploads({ datasets, store, objects, clock: deps.clock, logger: deps.logger })
  };
}
