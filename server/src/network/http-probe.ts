/**
 * The health probe: a service is healthy when it answers its health path
 * with 2xx or 3xx within a few seconds.
 */
import type { HealthProbe } from '../domain/ports';

const PROBE_TIMEOUT_MS = 3000;

export const httpProbe: HealthProbe = {
  async check(url) {
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      return res.status >= 200 && res.status < 400;
    } catch {
      return false;
    }
  }
};
