/**
 * Sequential AWS round trips from the fault proxy's call records: the length
 * of the longest chain of calls each of which started after the one before
 * it had ended. Calls that overlap were in flight together (parallel); a call
 * that starts only after another has answered may have waited for it.
 */
import type { CallRecord } from '../../server/test/support/fault-proxy';

export interface CallChain {
  length: number;
  /** The chain's calls, e.g. ['ec2:DescribeKeyPairs', 'ec2:DescribeInstances']. */
  calls: string[];
}

export function longestChain(calls: CallRecord[]): CallChain {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const best: { length: number; previous: number }[] = [];
  sorted.forEach((call, i) => {
    let length = 1;
    let previous = -1;
    for (let j = 0; j < i; j++) {
      if (sorted[j].end <= call.start && best[j].length + 1 > length) {
        length = best[j].length + 1;
        previous = j;
      }
    }
    best.push({ length, previous });
  });
  let last = best.reduce((top, b, i) => (top === -1 || b.length > best[top].length ? i : top), -1);
  const chain: string[] = [];
  while (last !== -1) {
    chain.unshift(`${sorted[last].service}:${sorted[last].action}`);
    last = best[last].previous;
  }
  return { length: chain.length, calls: chain };
}

/** The calls of one launch before its RunInstances: sent after `since`, answered before RunInstances was asked. */
export function callsBeforeRun(calls: CallRecord[], since: number): { before: CallRecord[]; run: CallRecord | undefined } {
  const run = calls.find(c => c.action === 'RunInstances' && c.start >= since);
  const before = run ? calls.filter(c => c.start >= since && c.end <= run.start && c !== run) : [];
  return { before, run };
}
