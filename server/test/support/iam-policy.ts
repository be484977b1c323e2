/**
 * A small IAM policy evaluator for tests: moto stores policies but has no
 * iam:SimulateCustomPolicy. It follows IAM's rules for what Prism writes:
 * Action and Resource with `*` and `?` wildcards, StringLike/StringEquals
 * conditions, and an explicit Deny over any Allow. Nothing matching: denied.
 */
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyRequest {
  action: string;
  resource: string;
  /** Condition keys of the request, like `s3:prefix` for ListBucket. */
  context?: Record<string, string>;
}

export function isAllowed(policyDocument: string, request: PolicyRequest): boolean {
  const statements = asList(JSON.parse(policyDocument).Statement as Statement | Statement[]);
  const matching = statements.filter(statement => matches(statement, request));
  return matching.some(s => s.Effect === 'Allow') && !matching.some(s => s.Effect === 'Deny');
}

function matches(statement: Statement, request: PolicyRequest): boolean {
  return (
    asList(statement.Action).some(action => wildcard(action, request.action, true)) &&
    asList(statement.Resource).some(resource => wildcard(resource, request.resource, false)) &&
    Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, values]) => {
        const given = request.context?.[key];
        if (given === undefined) return false;
        if (operator === 'StringLike') return asList(values).some(value => wildcard(value, given, false));
        if (operator === 'StringEquals') return asList(values).includes(given);
        throw new Error(`the test evaluator does not know the condition operator ${operator}`);
      })
    )
  );
}

/** Actions compare without case, resources and condition values with it. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
