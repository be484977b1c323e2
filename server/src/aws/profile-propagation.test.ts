import { PrismError } from '../domain/errors';
import { whileProfilePropagates } from './profile-propagation';

const TIMING = { budgetMs: 30_000, firstDelayMs: 1_000, maxDelayMs: 8_000 };

function ec2Error(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const notYetVisible = () =>
  ec2Error('InvalidParameterValue', 'Value (prism-ws-ws-1) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name');

describe('waiting for a new instance profile to reach EC2', () => {
  it('tries RunInstances again with growing waits until EC2 accepts the profile', async () => {
    const waits: number[] = [];
    let tries = 0;
    const answer = await whileProfilePropagates(
      async () => {
        tries++;
        if (tries < 4) throw notYetVisible();
        return 'i-0123';
      },
      TIMING,
      async ms => {
        waits.push(ms);
      }
    );
    expect(answer).toBe('i-0123');
    expect(waits).toEqual([1_000, 2_000, 4_000]);
  });

  it('gives up after about 30 seconds with a hint to launch again', async () => {
    const waits: number[] = [];
    const error = await whileProfilePropagates(
      async () => {
        throw notYetVisible();
      },
      TIMING,
      async ms => {
        waits.push(ms);
      }
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrismError);
    expect(error).toMatchObject({ code: 'INSTANCE_PROFILE_NOT_READY', hint: expect.stringMatching(/launch again/) });
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(30_000);
    expect(total).toBeGreaterThanOrEqual(20_000);
  });

  it('does not retry any other refusal', async () => {
    let tries = 0;
    const refusal = ec2Error('InvalidParameterValue', 'Invalid value for instance type');
    const error = await whileProfilePropagates(
      async () => {
        tries++;
        throw refusal;
      },
      TIMING,
      async () => undefined
    ).catch((e: unknown) => e);
    expect(error).toBe(refusal);
    expect(tries).toBe(1);
  });
});
