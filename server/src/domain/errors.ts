import type { PolicyStatement } from '../contract/events';

/**
 * The one error type the domain throws. The HTTP layer renders it as
 * problem+json; `code` is stable, `hint` says what to do next.
 */
export class PrismError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly hint: string
  ) {
    super(detail);
    this.name = 'PrismError';
  }
}

/** AWS refused an IAM action; the problem carries the statement that grants it, ready to paste. */
export class PermissionDeniedError extends PrismError {
  constructor(
    detail: string,
    hint: string,
    readonly policyStatement: PolicyStatement
  ) {
    super('AWS_PERMISSION_DENIED', 403, 'Not allowed by AWS', detail, hint);
  }
}

export const notFound = (what: string, id: string, hint: string): PrismError =>
  new PrismError(`${what.toUpperCase()}_NOT_FOUND`, 404, `No such ${what}`, `There is no ${what} '${id}'.`, hint);

export const invalidRequest = (detail: string, hint: string): PrismError =>
  new PrismError('INVALID_REQUEST', 400, 'Invalid request', detail, hint);
