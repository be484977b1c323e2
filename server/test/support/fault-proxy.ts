/**
 * A fault-injecting HTTP proxy on loopback between the AWS SDK and moto
 * (DESIGN, "The emulator, honestly"): point PRISM_AWS_ENDPOINT (or a client's
 * `endpoint`) at `proxy.url` and every AWS call goes through it.
 *
 * Stable API (the benchmarks count sequential round trips with it):
 *
 *   const proxy = await startFaultProxy({ upstream: moto.endpoint, delayMs?, seed? });
 *   proxy.url / proxy.port            where to send the SDK
 *   proxy.addRule(rule) → handle      handle.hits() = calls it faulted; handle.remove()
 *   proxy.clearRules()
 *   proxy.calls() → CallRecord[]      every AWS call seen, in arrival order
 *   proxy.resetCalls()
 *   proxy.close()
 *
 * A rule matches calls by `service` (the SigV4 credential scope's service:
 * ec2, iam, sts, s3, ssm, elasticfilesystem, ...) and `action` (RunInstances,
 * PutObject, CreateFileSystem, ...), each a string or RegExp, both optional.
 * It faults the next `count` matching calls, or each with `probability` drawn
 * from a seeded RNG (`seed`), or, with neither, every matching call. Rules are
 * tried in the order added; the first that matches and fires wins.
 *
 * Faults, each in the protocol's own error shape so the SDK classifies it as
 * AWS would send it:
 * - `throttle`: EC2 `RequestLimitExceeded` 503, IAM/STS `Throttling` 400,
 *   S3 `SlowDown` 503, JSON protocols `ThrottlingException` 400.
 * - `error5xx`: `InternalError` with status 500 (or `status: 503`).
 * - `delay`: wait `ms` before forwarding (the call then goes through); the
 *   `delayMs` option delays every call that way.
 * - `dropAfterEffect`: forward, let moto finish the call, then destroy the
 *   client's socket without answering: the call took effect, the SDK saw a
 *   connection reset.
 *
 * Requests without a SigV4 Authorization header (moto's own /moto-api) pass
 * straight through and are not recorded.
 */
import http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

export type Fault =
  | { kind: 'throttle' }
  | { kind: 'error5xx'; status?: 500 | 503 }
  | { kind: 'delay'; ms: number }
  | { kind: 'dropAfterEffect' };

export interface FaultRule {
  service?: string | RegExp;
  action?: string | RegExp;
  /** Fault the next `count` matching calls, then stop matching. */
  count?: number;
  /** Fault each matching call with this probability (seeded RNG). */
  probability?: number;
  fault: Fault;
}

export interface FaultRuleHandle {
  /** How many calls this rule has faulted. */
  hits(): number;
  remove(): void;
}

export interface CallRecord {
  service: string;
  action: string;
  /** performance.now() (hrtime, ms) when the request arrived and when it was answered or dropped. */
  start: number;
  end: number;
  /** The status the client got; null when the response was dropped. */
  status: number | null;
  /** The fault applied to this call, if any. */
  fault: Fault['kind'] | null;
}

export interface FaultProxyOptions {
  /** moto's endpoint, e.g. http://127.0.0.1:5000 */
  upstream: string;
  /** Delay every AWS call by this many ms (a far region's round trip). */
  delayMs?: number;
  /** Seed of the RNG behind `probability` rules. */
  seed?: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  addRule(rule: FaultRule): FaultRuleHandle;
  clearRules(): void;
  calls(): CallRecord[];
  resetCalls(): void;
  close(): Promise<void>;
}

export interface RecognisedCall {
  service: string;
  action: string;
}

type Protocol = 'ec2' | 'query' | 'json' | 'restJson' | 'restXml';

interface ActiveRule {
  rule: FaultRule;
  left: number;
  hits: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new http.Agent({ keepAlive: true });
  const random = seededRandom(options.seed ?? 1);
  let rules: ActiveRule[] = [];
  let records: CallRecord[] = [];
  const sockets = new Set<net.Socket>();

  const pickFault = (call: RecognisedCall): Fault | null => {
    for (const active of rules) {
      if (!matches(active.rule.service, call.service) || !matches(active.rule.action, call.action)) continue;
      if (active.rule.count !== undefined && active.left <= 0) continue;
      if (active.rule.probability !== undefined && random() >= active.rule.probability) continue;
      active.left -= 1;
      active.hits += 1;
      return active.rule.fault;
    }
    return null;
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(error => {
      if (!res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'text/plain' });
      }
      res.end(`fault proxy: ${(error as Error).message}`);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const start = performance.now();
    const body = await readBody(req);
    const call = recogniseCall(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    if (!call) {
      const answer = await forward(req, body);
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    const record: CallRecord = { ...call, start, end: start, status: null, fault: null };
    records.push(record);
    const fault = pickFault(call);
    record.fault = fault?.kind ?? null;
    const delay = (options.delayMs ?? 0) + (fault?.kind === 'delay' ? fault.ms : 0);
    if (delay > 0) await sleep(delay);

    if (fault?.kind === 'throttle' || fault?.kind === 'error5xx') {
      const answer = faultAnswer(protocolOf(call.service, req.headers), fault);
      res.writeHead(answer.status, answer.headers).end(answer.body);
      record.status = answer.status;
      record.end = performance.now();
      return;
    }
    const answer = await forward(req, body);
    record.end = performance.now();
    if (fault?.kind === 'dropAfterEffect') {
      req.socket.destroy();
      return;
    }
    record.status = answer.status;
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  function forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          agent
        },
        response => {
          readBody(response)
            .then(answer => {
              const headers = { ...response.headers };
              // The body is re-sent whole: drop hop-by-hop framing, keep the rest.
              delete headers['transfer-encoding'];
              delete headers.connection;
              headers['content-length'] = String(answer.length);
              resolve({ status: response.statusCode ?? 502, headers, body: answer });
            })
            .catch(reject);
        }
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }

  server.on('connection', socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    addRule(rule) {
      const active: ActiveRule = { rule, left: rule.count ?? Infinity, hits: 0 };
      rules.push(active);
      return {
        hits: () => active.hits,
        remove: () => {
          rules = rules.filter(r => r !== active);
        }
      };
    },
    clearRules() {
      rules = [];
    },
    calls: () => records.slice(),
    resetCalls() {
      records = [];
    },
    async close() {
      const closed = new Promise<void>(resolve => server.close(() => resolve()));
      sockets.forEach(socket => socket.destroy());
      agent.destroy();
      await closed;
    }
  };
}

/**
 * The AWS service and action of one request: the service from the SigV4
 * credential scope; the action from `Action=` (query protocols), `X-Amz-Target`
 * (JSON protocols), or method and path (S3 and EFS REST). null for a request
 * that is not an AWS call.
 */
export function recogniseCall(method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer | string): RecognisedCall | null {
  const service = serviceOf(headers);
  if (!service) return null;
  const target = header(headers, 'x-amz-target');
  if (target) return { service, action: target.slice(target.lastIndexOf('.') + 1) };
  const parsed = new URL(url, 'http://proxy');
  const queryAction = parsed.searchParams.get('Action') ?? formAction(headers, body);
  if (queryAction) return { service, action: queryAction };
  if (service === 's3') return { service, action: s3Action(method.toUpperCase(), parsed) };
  if (service === 'elasticfilesystem') return { service, action: efsAction(method.toUpperCase(), parsed.pathname) };
  return { service, action: `${method.toUpperCase()} ${parsed.pathname}` };
}

function serviceOf(headers: http.IncomingHttpHeaders): string | null {
  const authorization = header(headers, 'authorization');
  // Credential=AKID/20240101/us-east-1/ec2/aws4_request
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return scope ? scope[1] : null;
}

function formAction(headers: http.IncomingHttpHeaders, body: Buffer | string): string | null {
  if (!(header(headers, 'content-type') ?? '').includes('application/x-www-form-urlencoded')) return null;
  return new URLSearchParams(body.toString()).get('Action');
}

const S3_SUBRESOURCES: Record<string, Record<string, string>> = {
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  lifecycle: { GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' },
  encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  publicAccessBlock: { GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock' },
  cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
  location: { GET: 'GetBucketLocation' },
  delete: { POST: 'DeleteObjects' },
  uploads: { GET: 'ListMultipartUploads', POST: 'CreateMultipartUpload' }
};

function s3Action(method: string, url: URL): string {
  // Path style (forcePathStyle): /bucket/key...
  const [, bucket = '', ...keyParts] = url.pathname.split('/');
  const key = keyParts.join('/');
  const subresource = Object.keys(S3_SUBRESOURCES).find(name => url.searchParams.has(name));
  if (subresource) {
    const action = S3_SUBRESOURCES[subresource][method];
    if (action) return subresource === 'tagging' && key === '' ? action.replace('Object', 'Bucket') : action;
  }
  if (url.searchParams.has('uploadId')) {
    return { PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload', GET: 'ListParts' }[method] ?? method;
  }
  if (bucket === '') return method === 'GET' ? 'ListBuckets' : `${method} /`;
  if (key === '') {
    if (method === 'GET') return url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return { PUT: 'CreateBucket', HEAD: 'HeadBucket', DELETE: 'DeleteBucket' }[method] ?? `${method} /${bucket}`;
  }
  return { GET: 'GetObject', PUT: 'PutObject', HEAD: 'HeadObject', DELETE: 'DeleteObject', POST: 'PostObject' }[method] ?? method;
}

/** EFS REST routes (API version 2015-02-01), most specific first. */
const EFS_ROUTES: [string, RegExp, string][] = [
  ['GET', /\/file-systems\/[^/]+\/lifecycle-configuration$/, 'DescribeLifecycleConfiguration'],
  ['PUT', /\/file-systems\/[^/]+\/lifecycle-configuration$/, 'PutLifecycleConfiguration'],
  ['GET', /\/file-systems\/[^/]+\/backup-policy$/, 'DescribeBackupPolicy'],
  ['PUT', /\/file-systems\/[^/]+\/backup-policy$/, 'PutBackupPolicy'],
  ['GET', /\/file-systems\/[^/]+\/policy$/, 'DescribeFileSystemPolicy'],
  ['PUT', /\/file-systems\/[^/]+\/policy$/, 'PutFileSystemPolicy'],
  ['POST', /\/file-systems$/, 'CreateFileSystem'],
  ['GET', /\/file-systems(\/[^/]+)?$/, 'DescribeFileSystems'],
  ['DELETE', /\/file-systems\/[^/]+$/, 'DeleteFileSystem'],
  ['PUT', /\/file-systems\/[^/]+$/, 'UpdateFileSystem'],
  ['GET', /\/mount-targets\/[^/]+\/security-groups$/, 'DescribeMountTargetSecurityGroups'],
  ['PUT', /\/mount-targets\/[^/]+\/security-groups$/, 'ModifyMountTargetSecurityGroups'],
  ['POST', /\/mount-targets$/, 'CreateMountTarget'],
  ['GET', /\/mount-targets(\/[^/]+)?$/, 'DescribeMountTargets'],
  ['DELETE', /\/mount-targets\/[^/]+$/, 'DeleteMountTarget'],
  ['POST', /\/access-points$/, 'CreateAccessPoint'],
  ['GET', /\/access-points(\/[^/]+)?$/, 'DescribeAccessPoints'],
  ['DELETE', /\/access-points\/[^/]+$/, 'DeleteAccessPoint'],
  ['POST', /\/resource-tags\/[^/]+$/, 'TagResource'],
  ['GET', /\/resource-tags\/[^/]+$/, 'ListTagsForResource'],
  ['DELETE', /\/resource-tags\/[^/]+$/, 'UntagResource']
];

function efsAction(method: string, pathname: string): string {
  const route = EFS_ROUTES.find(([verb, pattern]) => verb === method && pattern.test(pathname));
  return route ? route[2] : `${method} ${pathname}`;
}

function protocolOf(service: string, headers: http.IncomingHttpHeaders): Protocol {
  if (header(headers, 'x-amz-target')) return 'json';
  if (service === 'ec2') return 'ec2';
  if (service === 's3') return 'restXml';
  if (service === 'elasticfilesystem') return 'restJson';
  return 'query';
}

function faultAnswer(protocol: Protocol, fault: Fault): { status: number; headers: http.OutgoingHttpHeaders; body: string } {
  const throttle = fault.kind === 'throttle';
  const requestId = 'fault-proxy-0000';
  const xml = (text: string, status: number) => ({
    status,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${text}`
  });
  const status5xx = fault.kind === 'error5xx' ? (fault.status ?? 500) : 500;
  switch (protocol) {
    case 'ec2': {
      const code = throttle ? 'RequestLimitExceeded' : 'InternalError';
      const message = throttle ? 'Request limit exceeded.' : 'An internal error has occurred';
      return xml(
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        throttle ? 503 : status5xx
      );
    }
    case 'query': {
      const code = throttle ? 'Throttling' : 'InternalFailure';
      const type = throttle ? 'Sender' : 'Receiver';
      return xml(
        `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${throttle ? 'Rate exceeded' : 'Internal failure'}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        throttle ? 400 : status5xx
      );
    }
    case 'restXml': {
      const code = throttle ? 'SlowDown' : 'InternalError';
      return xml(`<Error><Code>${code}</Code><Message>${throttle ? 'Please reduce your request rate.' : 'We encountered an internal error.'}</Message><RequestId>${requestId}</RequestId></Error>`, throttle ? 503 : status5xx);
    }
    case 'json':
    case 'restJson': {
      const code = throttle ? 'ThrottlingException' : 'InternalServerError';
      return {
        status: throttle ? 400 : status5xx,
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': code, 'x-amzn-RequestId': requestId },
        body: JSON.stringify({ __type: code, message: throttle ? 'Rate exceeded' : 'Internal server error' })
      };
    }
  }
}

function matches(pattern: string | RegExp | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === value : pattern.test(value);
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
