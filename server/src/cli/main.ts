/**
 * `prism`: templates from the command line. Commands that read files use the
 * template engine directly; the others talk to a running service over the
 * REST API (--url / PRISM_URL, --token / PRISM_TOKEN / $PRISM_DATA_DIR/token).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import type { Arch } from '../contract/events';
import { CliError, usageError } from './cli-error';
import { diffFiles, scaffoldTemplate, validateFiles } from './local-commands';
import { consoleOutput, printJson, type Output } from './output';
import { ServiceClient } from './service-client';
import { diffVersions, listTemplates, showTemplate } from './service-commands';
import { writeTemplateDocs } from './template-docs';
import { testTemplates } from './template-test';

const USAGE = `Usage: prism templates <command> [options]

  list                              templates the service offers, with arm64 and x86_64 prices
  show NAME [--version V]           one template, resolved (inheritance applied), as YAML
  validate [FILES...]               check files (default: every template in PRISM_TEMPLATES_DIR)
  scaffold NAME --from PARENT [--dir D]
                                    write a child template of PARENT, version 0.1.0
  docs [--out DIR]                  a Markdown page per template and an index
  diff A B                          two files, or NAME@V1 NAME@V2 kept by the service
  test [NAME...] [--arch A] [--timeout S]
                                    launch each template on each arch, to ready, then terminate

Options: --json (machine output), --url URL, --token TOKEN, --help
`;

/** Default: the templates shipped in this package, as prism-server does. */
const PACKAGE_TEMPLATES = path.resolve(__dirname, '..', '..', '..', 'templates');

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  token: { type: 'string' },
  version: { type: 'string' },
  from: { type: 'string' },
  dir: { type: 'string' },
  out: { type: 'string' },
  arch: { type: 'string' },
  timeout: { type: 'string' }
} as const;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const json = argv.includes('--json');
  const out = consoleOutput(json);
  try {
    return await run(argv, out);
  } catch (error) {
    const problem =
      error instanceof CliError
        ? error
        : new CliError('Unexpected error', (error as Error).message, 'This is a bug in prism; please report it with the command you ran.', 'INTERNAL');
    if (json) printJson(out, { error: { code: problem.code, title: problem.title, detail: problem.detail, hint: problem.hint } });
    else process.stderr.write(`${problem.title}: ${problem.detail}\n  hint: ${problem.hint}\n`);
    return problem.exitCode;
  }
}

async function run(argv: string[], out: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, 'Run `prism --help` for the commands and their options.');
  }
  const { values, positionals } = parsed;
  const [group, command, ...args] = positionals;
  if (values.help || group === undefined) {
    out.print(USAGE);
    return 0;
  }
  if (group !== 'templates') throw usageError(`Unknown command "${group}".`, 'Commands start with `prism templates`; run `prism --help`.');
  const templatesDir = process.env.PRISM_TEMPLATES_DIR || PACKAGE_TEMPLATES;
  const client = (): ServiceClient => new ServiceClient({ url: values.url, token: values.token });
  const ok = (success: boolean): number => (success ? 0 : 1);

  switch (command) {
    case 'list':
      await listTemplates(client(), out);
      return 0;
    case 'show':
      await showTemplate(client(), required(args[0], 'NAME', 'prism templates show python-ml'), values.version, out);
      return 0;
    case 'validate':
      return ok(await validateFiles(args, templatesDir, out));
    case 'scaffold': {
      const name = required(args[0], 'NAME', 'prism templates scaffold my-ml --from python-ml');
      const parent = required(values.from, '--from PARENT', 'prism templates scaffold my-ml --from python-ml');
      return ok(await scaffoldTemplate(name, parent, values.dir ?? templatesDir, templatesDir, out));
    }
    case 'docs':
      await writeTemplateDocs(templatesDir, values.out ?? 'template-docs', process.env.PRISM_REGION ?? 'us-east-1', out);
      return 0;
    case 'diff': {
      const a = required(args[0], 'A', 'prism templates diff old.yaml new.yaml');
      const b = required(args[1], 'B', 'prism templates diff python-ml@1.0.0 python-ml@1.1.0');
      if (fs.existsSync(a) && fs.existsSync(b)) return ok(await diffFiles(a, b, templatesDir, out));
      await diffVersions(client(), a, b, out);
      return 0;
    }
    case 'test':
      return ok(await testTemplates(client(), args, archOption(values.arch), timeoutOption(values.timeout), out));
    default:
      throw usageError(command ? `Unknown command "templates ${command}".` : 'A templates command is missing.', 'Run `prism --help` for the commands.');
  }
}

function required(value: string | undefined, what: string, example: string): string {
  if (value === undefined || value === '') throw usageError(`${what} is missing.`, `For example: ${example}`);
  return value;
}

function archOption(arch: string | undefined): Arch | undefined {
  if (arch === undefined || arch === 'arm64' || arch === 'x86_64') return arch;
  throw usageError(`--arch ${arch} is not an arch Prism launches.`, 'Use --arch arm64 (Graviton) or --arch x86_64.');
}

/** Emulated boots take seconds; a real one installs packages for minutes. */
function timeoutOption(timeout: string | undefined): number {
  const seconds = Number(timeout ?? 1800);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError(`--timeout ${timeout} is not a number of seconds.`, 'For example: --timeout 600');
  return seconds;
}
