/**
 * The reports of one booting workstation, in order, for the launch to consume.
 * Reports may arrive before the launch reaches its bootstrap phase (a fast
 * instance, or the emulator): they wait here until the launch reads them.
 */
import type { BootReport } from './ports';

export class BootWatch {
  private readonly queue: BootReport[] = [];
  private waiter: ((report: BootReport | null) => void) | null = null;
  private closed = false;

  push(report: BootReport): void {
    if (this.closed) {
      return;
    }
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(report);
    } else {
      this.queue.push(report);
    }
  }

  /** The next report, or null once closed or after `timeoutMs`. */
  next(timeoutMs: number): Promise<BootReport | null> {
    const queued = this.queue.shift();
    if (queued) {
      return Promise.resolve(queued);
    }
    if (this.closed) {
      return Promise.resolve(null);
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = report => {
        clearTimeout(timer);
        resolve(report);
      };
    });
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.waiter?.(null);
    this.waiter = null;
  }
}
