/**
 * A launch's progress in the terminal. On a TTY: one line, redrawn in place,
 * with a bar, the phase and the ETA; boot log lines scroll above it. Piped or
 * in a log file: one plain line per change, which reads well and greps well.
 */
import type { ProgressEvent } from '../contract/events';

const BAR_WIDTH = 24;

export interface ProgressView {
  progress(event: ProgressEvent): void;
  log(line: string): void;
  /** Leaves the cursor on a fresh line. */
  end(): void;
}

export function progressView(stream: NodeJS.WriteStream, name: string): ProgressView {
  return stream.isTTY ? ttyView(stream, name) : plainView(stream, name);
}

function ttyView(stream: NodeJS.WriteStream, name: string): ProgressView {
  let current = '';
  const redraw = (): void => {
    // Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn with \r).
    stream.write(`\r\x1b[K${current.slice(0, (stream.columns || 80) - 1)}`);
  };
  return {
    progress(event) {
      const filled = Math.round((event.percent / 100) * BAR_WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
      current = `${name} ${bar} ${percentText(event.percent)} ${event.phase} (${event.step}/${event.steps})${etaText(event)}  ${event.message}`;
      redraw();
    },
    log(line) {
      stream.write(`\r\x1b[K  ${line}\n`);
      redraw();
    },
    end() {
      stream.write('\n');
    }
  };
}

function plainView(stream: NodeJS.WriteStream, name: string): ProgressView {
  let last = '';
  return {
    progress(event) {
      const line = `${name}: ${percentText(event.percent)} ${event.phase} (${event.step}/${event.steps})${etaText(event)} ${event.message}`;
      if (line !== last) stream.write(`${(last = line)}\n`);
    },
    log(line) {
      stream.write(`${name} | ${line}\n`);
    },
    end() {
      // Every plain line already ends with a newline.
    }
  };
}

function percentText(percent: number): string {
  return `${String(Math.round(percent)).padStart(3)}%`;
}

function etaText(event: ProgressEvent): string {
  if (event.phase === 'ready' || event.phase === 'failed' || event.etaSeconds === null) return '';
  return `, ETA ${duration(event.etaSeconds)}`;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
