/**
 * IAM is eventually consistent: for some seconds after an instance profile is
 * made, RunInstances may refuse it with InvalidParameterValue "Invalid IAM
 * Instance Profile". Only that refusal is tried again, with backoff; the
 * ClientToken makes every try the same single instance.
 */
import { PrismError } from '../domain/errors';

export interface PropagationTiming {
  /** How long, in all, to wait for the profile to become visible to EC2. */
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const PROFILE_PROPAGATION: PropagationTiming = { budgetMs: 30_000, firstDelayMs: 1_000, maxDelayMs: 8_000 };

export async function whileProfilePropagates<T>(
  call: () => Promise<T>,
  timing: PropagationTiming = PROFILE_PROPAGATION,
  wait: (ms: number) => Promise<void> = sleep
): Promise<T> {
  let waited = 0;
  let delay = timing.firstDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isProfileNotYetVisible(error)) throw error;
      if (waited + delay > timing.budgetMs) throw profileNotReady(waited);
      await wait(delay);
      waited += delay;
      delay = Math.min(delay * 2, timing.maxDelayMs);
    }
  }
}

export function isProfileNotYetVisible(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return name === 'InvalidParameterValue' && /invalid iam instance profile/i.test(message ?? '');
}

function profileNotReady(waitedMs: number): PrismError {
  return new PrismError(
    'INSTANCE_PROFILE_NOT_READY',
    503,
    'The workstation’s IAM role is not ready yet',
    `EC2 still refused the workstation’s new instance profile after ${Math.round(waitedMs / 1000)} seconds.`,
    'IAM takes a moment to show new roles to EC2; launch again in a minute.'
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
