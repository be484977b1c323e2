/**
 * Without a phone-home URL, a workstation writes its reports as S3 objects:
 * polled while it boots, and collected on a schedule once it runs (its idle
 * agent keeps reporting activity, and over S3 nobody pushes those).
 */
import type { LaunchSettings } from './launch';
import type { BootReport, BootReportInbox, DomainLogger, WorkstationStore } from './ports';

export interface ReportObjectsDeps {
  inbox: BootReportInbox | null;
  store: WorkstationStore;
  logger: DomainLogger;
  settings: Pick<LaunchSettings, 'reportUrl' | 'reportPollSeconds'>;
  /** The last report seq taken from this launch; throws when it is not in the store. */
  lastReportSeq: (id: string) => number;
  /** Hands reports on as if they had been sent: checks the token, drops the ones seen. */
  accept: (id: string, token: string, reports: BootReport[]) => number;
}

export class ReportObjects {
  constructor(private readonly deps: ReportObjectsDeps) {}

  /** Poll a booting workstation's report objects until stopped; a no-op when reports come over HTTP. */
  poll(id: string): { stop(): void } {
    if (!this.comeAsObjects()) {
      return { stop: () => undefined };
    }
    let stopped = false;
    const tick = async (): Promise<void> => {
      while (!stopped) {
        await this.collect(id);
        await new Promise(resolve => setTimeout(resolve, this.deps.settings.reportPollSeconds * 1000));
      }
    };
    void tick();
    return {
      stop: () => {
        stopped = true;
      }
    };
  }

  /** Collect the report objects of every ready, running workstation. */
  async collectRunning(): Promise<void> {
    if (!this.comeAsObjects()) {
      return;
    }
    const running = this.deps.store.listAll().filter(r => r.state === 'running' && r.phase === 'ready');
    for (const record of running) {
      await this.collect(record.id);
    }
  }

  private comeAsObjects(): boolean {
    return this.deps.inbox !== null && !this.deps.settings.reportUrl();
  }

  private async collect(id: string): Promise<void> {
    const inbox = this.deps.inbox as BootReportInbox;
    try {
      const reports = await inbox.fetch(id, this.deps.lastReportSeq(id));
      for (const { token, ...report } of reports) {
        this.deps.accept(id, token, [report]);
      }
    } catch (error) {
      this.deps.logger.warn({ workstation: id, err: error }, 'reading boot report objects failed; retrying');
    }
  }
}
