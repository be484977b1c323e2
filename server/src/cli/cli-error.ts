/**
 * What the CLI tells a person when something goes wrong: the same title,
 * detail and hint a problem+json carries, whether it came from the service
 * or from the command itself.
 */
export class CliError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
    readonly hint: string,
    readonly code = 'CLI_ERROR',
    /** 2: the command line itself is wrong. */
    readonly exitCode = 1,
    /** AWS_PERMISSION_DENIED: the IAM statement that grants what was refused, printed for pasting. */
    readonly policyStatement?: unknown
  ) {
    super(detail);
    this.name = 'CliError';
  }
}

export const usageError = (detail: string, hint: string): CliError => new CliError('Wrong command line', detail, hint, 'USAGE', 2);
