import type { ProgressEvent } from '../contract/events';
import { duration, progressView } from './progress-view';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, columns: 72, text: '', write: (chunk: string) => ((s.text += chunk), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const event = (percent: number, phase: ProgressEvent['phase'], etaSeconds: number | null): ProgressEvent => ({
  kind: 'progress',
  id: 'ws-1',
  phase,
  step: 7,
  steps: 9,
  percent,
  etaSeconds,
  message: 'installing packages',
  at: '2025-01-01T00:00:00Z'
});

describe('the launch progress in a terminal', () => {
  it('redraws one line, cut to the terminal width, with log lines scrolling above it', () => {
    const tty = stream(true);
    const view = progressView(tty, 'thesis');
    view.progress(event(62, 'bootstrap', 95));
    view.log('dnf install git');
    view.end();
    const lines = tty.text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\r\x1b\[Kthesis █+░+ +62% bootstrap \(7\/9\), ETA 1m 35s/);
    expect(lines[0]).toMatch(/\r\x1b\[K  dnf install git$/);
    expect(lines[1]).toMatch(/^\r\x1b\[Kthesis .* 62% /);
    for (const drawn of tty.text.split('\r\x1b[K')) expect(drawn.replace('\n', '').length).toBeLessThan(72);
  });

  it('writes one plain line per change when piped, and no ETA once ready', () => {
    const piped = stream(false);
    const view = progressView(piped, 'thesis');
    view.progress(event(62, 'bootstrap', 95));
    view.progress(event(62, 'bootstrap', 95));
    view.progress(event(100, 'ready', 0));
    expect(piped.text).toBe('thesis:  62% bootstrap (7/9), ETA 1m 35s installing packages\nthesis: 100% ready (7/9) installing packages\n');
  });

  it.each([
    [42, '42s'],
    [95, '1m 35s'],
    [3720, '1h 02m']
  ])('reads %i seconds as %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});
