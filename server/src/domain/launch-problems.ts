/**
 * What stops a launch, as the researcher reads it: each failure a PrismError
 * with a stable code and a hint, and any error turned into problem+json.
 */
import type { Problem } from '../contract/events';
import { PermissionDeniedError, PrismError } from './errors';
import type { BootReport, WorkstationRecord } from './ports';

export function toProblem(error: unknown): Problem {
  if (error instanceof PrismError) {
    return {
      type: `https://prism.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
      title: error.title,
      status: error.status,
      detail: error.detail,
      code: error.code,
      hint: error.hint,
      ...(error instanceof PermissionDeniedError && { policyStatement: error.policyStatement })
    };
  }
  return {
    type: 'https://prism.dev/problems/launch-failed',
    title: 'The launch failed',
    status: 500,
    detail: 'An unexpected error stopped the launch.',
    code: 'LAUNCH_FAILED',
    hint: 'Try again; if it fails again, the service log has the details under this workstation id.'
  };
}

export function archMismatch(record: WorkstationRecord, imageId: string, imageArch: string, typeArches: string[]): PrismError {
  return new PrismError(
    'ARCH_MISMATCH',
    400,
    'Image and instance type differ in architecture',
    `Image ${imageId} is ${imageArch} but ${record.instanceType} runs ${typeArches.join('/')}; ${record.arch} was asked for.`,
    record.arch === 'arm64'
      ? 'Pick a Graviton instance type (t4g, m7g, c7g, r7g, ...) or launch on x86_64.'
      : 'Pick an x86_64 instance type (t3, m7i, c7i, r7i, ...) or launch on arm64.'
  );
}

export function bootReportRefused(): PrismError {
  return new PrismError(
    'BOOT_REPORT_REFUSED',
    401,
    'Boot report refused',
    'The report is not signed with this launch’s token.',
    'Only the workstation launched with this token can report; relaunch it if its user data was replaced.'
  );
}

export function bootTimeout(seconds: number): PrismError {
  return new PrismError(
    'BOOT_TIMEOUT',
    504,
    'The workstation did not finish booting',
    `No ready report within ${seconds} seconds.`,
    'Check that the instance can reach Prism (PRISM_REPORT_URL) or its S3 report bucket, then relaunch.'
  );
}

export function bootstrapFailed(report: BootReport): PrismError {
  return new PrismError(
    'BOOTSTRAP_FAILED',
    502,
    'The workstation’s setup failed',
    report.message ?? `The step '${report.step ?? 'unknown'}' failed.`,
    report.step === 'datasets'
      ? "A dataset could not be mounted: check that its bucket and prefix still exist (GET /datasets, or the s3:// address given) and that they are in this account's reach, then relaunch."
      : 'Read the boot log above for the failing command; fix the template or pick another size, then relaunch.'
  );
}

export function healthCheckFailed(name: string, port: number, healthPath: string): PrismError {
  return new PrismError(
    'HEALTH_CHECK_FAILED',
    504,
    `${name} did not answer`,
    `${name} on port ${port} did not answer ${healthPath} in time.`,
    `The boot log shows how ${name} started; check that the security group lets Prism reach port ${port}, then relaunch.`
  );
}

export function templateGone(record: WorkstationRecord): PrismError {
  return new PrismError(
    'TEMPLATE_NOT_FOUND',
    404,
    'Template no longer available',
    `Template '${record.template}' version ${record.templateVersion} is not loaded any more.`,
    'Restore the template file in PRISM_TEMPLATES_DIR, or launch from another version.'
  );
}
