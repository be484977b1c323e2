/**
 * The shared token buckets in Redis (shared-rate-limit.ts): one Lua script
 * spends a user's bucket and everyone's atomically, so two replicas taking at
 * once cannot both spend the last token. Redis's own clock refills them, so
 * the replicas' clocks do not matter, and an idle bucket expires once it would
 * be full again (a full bucket and no bucket are the same).
 */
import crypto from 'node:crypto';
import { createClient } from 'redis';
import type { Logger } from '../logger';
import type { LimitAnswer } from './rate-limit';
import type { LimitBuckets, SharedBuckets } from './shared-rate-limit';

/**
 * KEYS: the user's bucket, everyone's. ARGV: per minute and burst of each (0
 * per minute: that limit is off). A bucket is a hash of `tokens` and `at` (ms).
 * Returns {1}, or {0, ms until a token, 'user' | 'everyone'}. A user over their
 * own limit does not spend everyone's; one refused by everyone's keeps theirs.
 */
const TAKE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function level(key, perMinute, burst)
  local kept = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(kept[1])
  if tokens == nil then return burst end
  return math.min(burst, tokens + math.max(0, now - tonumber(kept[2])) * perMinute / 60000)
end
local function keep(key, tokens, perMinute, burst)
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) * 60000 / perMinute) + 1000)
end
local userPerMinute, userBurst = tonumber(ARGV[1]), tonumber(ARGV[2])
local allPerMinute, allBurst = tonumber(ARGV[3]), tonumber(ARGV[4])
local own, all
if userPerMinute > 0 then
  own = level(KEYS[1], userPerMinute, userBurst)
  if own < 1 then
    keep(KEYS[1], own, userPerMinute, userBurst)
    return {0, math.ceil((1 - own) * 60000 / userPerMinute), 'user'}
  end
end
if allPerMinute > 0 then
  all = level(KEYS[2], allPerMinute, allBurst)
  if all < 1 then
    keep(KEYS[2], all, allPerMinute, allBurst)
    return {0, math.ceil((1 - all) * 60000 / allPerMinute), 'everyone'}
  end
end
if own then keep(KEYS[1], own - 1, userPerMinute, userBurst) end
if all then keep(KEYS[2], all - 1, allPerMinute, allBurst) end
return {1}
`;

const CONNECT_TIMEOUT_MS = 10_000;

export interface RedisBuckets extends SharedBuckets {
  close(): Promise<void>;
}

/** A client of its own: the socket.io adapter's subscriber cannot run commands, and a take must not queue behind its traffic. */
export async function connectRedisBuckets(url: string, logger: Logger): Promise<RedisBuckets> {
  // Offline, a take fails at once (and the request counts in this process) rather than waiting in a queue.
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: CONNECT_TIMEOUT_MS } });
  const where = new URL(url).host;
  // An unhandled 'error' would end the process; the client reconnects on its own.
  client.on('error', (error: Error) => logger.debug({ err: error, redis: where }, 'Redis connection trouble; reconnecting'));
  await client.connect();
  let sha = await client.scriptLoad(TAKE_SCRIPT);

  const run = async (keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await client.evalSha(sha, { keys, arguments: args });
    } catch (error) {
      // A restarted Redis forgot the script.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      sha = await client.scriptLoad(TAKE_SCRIPT);
      return client.evalSha(sha, { keys, arguments: args });
    }
  };

  return {
    where,
    get connected() {
      return client.isReady;
    },
    async take(name: string, key: string, settings: LimitBuckets): Promise<LimitAnswer> {
      const reply = await run(
        [bucketKey(name, key), `prism:rate:${name}:everyone`],
        [settings.perUser.perMinute, settings.perUser.burst, settings.global.perMinute, settings.global.burst].map(String)
      );
      return answerOf(reply);
    },
    async close() {
      await client.close().catch(() => undefined);
    }
  };
}

/** Keys hold a digest of the user's name: short whatever the name, and nothing a token could be read from. */
export function bucketKey(name: string, key: string): string {
  return `prism:rate:${name}:user:${crypto.createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}

function answerOf(reply: unknown): LimitAnswer {
  if (!Array.isArray(reply)) throw new Error(`unexpected rate-limit reply: ${JSON.stringify(reply)}`);
  if (Number(reply[0]) === 1) return { ok: true };
  const scope = reply[2] === 'everyone' ? 'everyone' : 'user';
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(reply[1]) / 1000)), scope };
}
