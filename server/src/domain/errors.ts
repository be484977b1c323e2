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

export const notFound = (what: string, id: string, hint: string): PrismError =>
  new PrismError(`${what.toUpperCase()}_NOT_FOUND`, 404, `No such ${what}`, `There is no ${what} '${id}'.`, hint);

export const invalidRequest = (detail: string, hint: string): PrismError =>
  new PrismError('INVALID_REQUEST', 400, 'Invalid request', detail, hint);
