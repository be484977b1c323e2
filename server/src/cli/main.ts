/**
 * `prism`: workstations and templates from the command line. Template commands
 * that read files use the template engine directly; the others talk to a
 * running service over the REST API and its socket (--url / PRISM_URL,
 * --token / PRISM_TOKEN / $PRISM_DATA_DIR/token).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import type { Arch } from '../contract/events';
import { CliError, usageError } from './cli-error';
import { completionScript } from './completion';
import { showCosts } from './costs-command';
import { launchWorkstation } from './launch-command';
import { diffFiles, scaffoldTemplate, validateFiles } from './local-commands';
import { consoleOutput, printJson, type Output } from './output';
import { adoptOrphan, listOrphans, terminateOrphan } from './orphan-commands';
import { addMember, budget, createProject, listProjects, projectIdle } from './project-commands';
import { ServiceClient } from './service-client';
import { diffVersions, listTemplates, showTemplate } from './service-commands';
import { writeTemplateDocs } from './template-docs';
import { testTemplates } from './template-test';
import { changeState, connectWorkstation, listWorkstations, resizeWorkstation, terminateWorkstation } from './workstation-commands';

const USAGE = `Usage: prism <command> [options]

Workstations (by name or id):
  launch TEMPLATE --arch A [--size S] [--name N] [--project P] [--dataset s3://bucket/prefix]... [--param k=v]... [--no-wait]
                                    launch one and follow it to ready with a progress bar and ETA
  list [--all] [--names]            your workstations (--all: terminated ones too)
  stop NAME | start NAME | hibernate NAME
  resize NAME (--size S | --instance-type T)
                                    another size of the same arch (a running one stops and starts)
  connect NAME [--print]            SSH into it (--print: only print the command)
  terminate NAME [--yes]            terminate it; asks first unless --yes
  costs                             spend, projected month-end and savings this month
  budget PROJECT [--set USD] [--hard-stop | --no-hard-stop]
                                    the project's budget and this month's spend; admins change it
  completion bash|zsh               a shell completion script: source <(prism completion bash)

Projects:
  projects list                     your projects and your role in each
  projects create NAME [--description D]
                                    a new project; you are its admin
  projects add-member PROJECT USER [--role viewer|member|admin]
                                    add someone (default member) or change their role
  projects idle PROJECT [--after MIN] [--action stop|hibernate] [--off]
                                    the project's idle rule over its templates'; admins change it

Orphans (Prism admins; instances Prism launched but has no record of):
  orphans list                      each one's instance id, tags and state
  orphans adopt INSTANCE_ID         a record again, in its owner's list
  orphans terminate INSTANCE_ID [--yes]
                                    terminate it; asks first unless --yes

Templates:
  templates list                    templates the service offers, with arm64 and x86_64 prices
  templates show NAME [--version V] one template, resolved (inheritance applied), as YAML
  templates validate [FILES...]     check files (default: every template in PRISM_TEMPLATES_DIR)
  templates scaffold NAME --from PARENT [--dir D]
                                    write a child template of PARENT, version 0.1.0
  templates docs [--out DIR]        a Markdown page per template and an index
  templates diff A B                two files, or NAME@V1 NAME@V2 kept by the service
  templates test [NAME...] [--arch A] [--timeout S]
                                    launch each template on each arch, to ready, then terminate

Options: --json (machine output), --url URL (PRISM_URL), --token TOKEN (PRISM_TOKEN), --help
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
  timeout: { type: 'string' },
  size: { type: 'string' },
  name: { type: 'string' },
  dataset: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  'no-wait': { type: 'boolean' },
  all: { type: 'boolean' },
  names: { type: 'boolean' },
  'instance-type': { type: 'string' },
  print: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  set: { type: 'string' },
  'hard-stop': { type: 'boolean' },
  'no-hard-stop': { type: 'boolean' },
  description: { type: 'string' },
  role: { type: 'string' },
  project: { type: 'string' },
  after: { type: 'string' },
  action: { type: 'string' },
  off: { type: 'boolean' }
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];

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
    const { code, title, detail, hint, policyStatement } = problem;
    if (json) printJson(out, { error: { code, title, detail, hint, ...(policyStatement !== undefined && { policyStatement }) } });
    else {
      process.stderr.write(`${title}: ${detail}\n  hint: ${hint}\n`);
      if (policyStatement !== undefined) process.stderr.write(`  the IAM policy statement that grants it:\n${JSON.stringify(policyStatement, null, 2)}\n`);
    }
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
  const [group, ...rest] = positionals;
  if (values.help || group === undefined) {
    out.print(USAGE);
    return 0;
  }
  if (group === 'templates') return runTemplates(rest, values, out);
  if (group === 'projects') return runProjects(rest, values, out);
  if (group === 'orphans') return runOrphans(rest, values, out);
  return runWorkstations(group, rest, values, out);
}

async function runWorkstations(command: string, args: string[], values: Values, out: Output): Promise<number> {
  const client = new ServiceClient({ url: values.url, token: values.token });
  const workstation = (): string => required(args[0], 'NAME', `prism ${command} my-workstation`);
  switch (command) {
    case 'launch':
      await launchWorkstation(
        client,
        {
          template: required(args[0], 'TEMPLATE', 'prism launch python-ml --arch arm64'),
          arch: required(archOption(values.arch), '--arch', 'prism launch python-ml --arch arm64'),
          size: values.size,
          name: values.name,
          project: values.project,
          datasets: values.dataset ?? [],
          params: values.param ?? [],
          wait: !values['no-wait']
        },
        out
      );
      return 0;
    case 'list':
      await listWorkstations(client, { all: values.all ?? false, names: values.names ?? false }, out);
      return 0;
    case 'stop':
    case 'start':
    case 'hibernate':
      await changeState(client, workstation(), command, out);
      return 0;
    case 'resize': {
      const size = values.size;
      const instanceType = values['instance-type'];
      if ((size === undefined) === (instanceType === undefined)) {
        throw usageError('resize takes either --size or --instance-type.', `For example: prism resize ${args[0] ?? 'NAME'} --size large`);
      }
      await resizeWorkstation(client, workstation(), size !== undefined ? { size } : { instanceType }, out);
      return 0;
    }
    case 'connect':
      return connectWorkstation(client, workstation(), values.print ?? false, out);
    case 'terminate':
      await terminateWorkstation(client, workstation(), values.yes ?? false, out);
      return 0;
    case 'costs':
      await showCosts(client, out);
      return 0;
    case 'budget': {
      if (values['hard-stop'] && values['no-hard-stop']) {
        throw usageError('--hard-stop and --no-hard-stop were both given.', 'Give one of them, or neither to keep it as it is.');
      }
      const hardStop = values['hard-stop'] ? true : values['no-hard-stop'] ? false : undefined;
      await budget(client, required(args[0], 'PROJECT', 'prism budget genomics --set 500 --hard-stop'), { set: values.set, hardStop }, out);
      return 0;
    }
    case 'completion':
      out.print(completionScript(args[0]));
      return 0;
    default:
      throw usageError(`Unknown command "${command}".`, 'Run `prism --help` for the commands.');
  }
}

async function runProjects(positionals: string[], values: Values, out: Output): Promise<number> {
  const [command, ...args] = positionals;
  const client = new ServiceClient({ url: values.url, token: values.token });
  switch (command) {
    case 'list':
      await listProjects(client, out);
      return 0;
    case 'create':
      await createProject(client, required(args[0], 'NAME', 'prism projects create "Genomics lab"'), values.description, out);
      return 0;
    case 'add-member':
      await addMember(
        client,
        required(args[0], 'PROJECT', 'prism projects add-member genomics-lab bob --role member'),
        required(args[1], 'USER', 'prism projects add-member genomics-lab bob --role member'),
        values.role ?? 'member',
        out
      );
      return 0;
    case 'idle':
      await projectIdle(
        client,
        required(args[0], 'PROJECT', 'prism projects idle genomics-lab --after 30 --action hibernate'),
        { after: values.after, action: values.action, off: values.off ?? false },
        out
      );
      return 0;
    default:
      throw usageError(command ? `Unknown command "projects ${command}".` : 'A projects command is missing.', 'Run `prism --help` for the commands.');
  }
}

async function runOrphans(positionals: string[], values: Values, out: Output): Promise<number> {
  const [command, ...args] = positionals;
  const client = new ServiceClient({ url: values.url, token: values.token });
  const instanceId = (): string => required(args[0], 'INSTANCE_ID', `prism orphans ${command} i-0123456789abcdef0`);
  switch (command) {
    case 'list':
      await listOrphans(client, out);
      return 0;
    case 'adopt':
      await adoptOrphan(client, instanceId(), out);
      return 0;
    case 'terminate':
      await terminateOrphan(client, instanceId(), values.yes ?? false, out);
      return 0;
    default:
      throw usageError(command ? `Unknown command "orphans ${command}".` : 'An orphans command is missing.', 'Run `prism --help` for the commands.');
  }
}

async function runTemplates(positionals: string[], values: Values, out: Output): Promise<number> {
  const [command, ...args] = positionals;
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

function required<T extends string>(value: T | undefined, what: string, example: string): T {
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
