/**
 * `prism completion bash|zsh`: a completion script for the shell. Commands and
 * their options come from the table below; workstation names are asked of the
 * service at completion time (`prism list --names`), so they are always current.
 */
import { usageError } from './cli-error';

interface CommandSpec {
  summary: string;
  options: string[];
  /** What the first word after the command is: a workstation's name, a shell, or one of these subcommands. */
  completes?: 'workstation' | 'shell' | string[];
}

const COMMON = ['--json', '--url', '--token', '--help'];

export const COMMANDS: Record<string, CommandSpec> = {
  launch: { summary: 'launch a workstation from a template', options: ['--arch', '--size', '--name', '--project', '--dataset', '--param', '--no-wait'] },
  list: { summary: 'your workstations', options: ['--all', '--names'] },
  stop: { summary: 'stop a workstation (its disk stays)', options: [], completes: 'workstation' },
  start: { summary: 'start a stopped or hibernated workstation', options: [], completes: 'workstation' },
  hibernate: { summary: 'hibernate a workstation (memory kept on disk)', options: [], completes: 'workstation' },
  resize: { summary: 'another size of the same arch', options: ['--size', '--instance-type'], completes: 'workstation' },
  connect: { summary: 'SSH into a workstation', options: ['--print'], completes: 'workstation' },
  terminate: { summary: 'terminate a workstation and delete its disk', options: ['--yes'], completes: 'workstation' },
  costs: { summary: 'spend, projection and savings this month', options: [] },
  budget: { summary: "a project's budget and spend; admins change it", options: ['--set', '--hard-stop', '--no-hard-stop'] },
  projects: { summary: 'list, create, add-member, idle', options: ['--description', '--role', '--after', '--action', '--off'], completes: ['list', 'create', 'add-member', 'idle'] },
  orphans: { summary: 'list, adopt, terminate instances Prism lost track of (admins)', options: ['--yes'], completes: ['list', 'adopt', 'terminate'] },
  templates: {
    summary: 'list, show, validate, scaffold, docs, diff, test',
    options: ['--version', '--from', '--dir', '--out', '--arch', '--timeout'],
    completes: ['list', 'show', 'validate', 'scaffold', 'docs', 'diff', 'test']
  },
  completion: { summary: 'a completion script: prism completion bash|zsh', options: [], completes: 'shell' }
};

const SHELLS = ['bash', 'zsh'];

export function completionScript(shell: string | undefined): string {
  if (shell === 'bash') return bashScript();
  if (shell === 'zsh') return zshScript();
  throw usageError(`No completion for "${shell ?? ''}".`, 'Use `prism completion bash` or `prism completion zsh`.');
}

function caseArms(indent: string, arm: (name: string, spec: CommandSpec) => string): string {
  return Object.entries(COMMANDS)
    .map(([name, spec]) => `${indent}${name}) ${arm(name, spec)} ;;`)
    .join('\n');
}

function wordsOf(spec: CommandSpec): string {
  if (Array.isArray(spec.completes)) return spec.completes.join(' ');
  if (spec.completes === 'shell') return SHELLS.join(' ');
  return '';
}

function bashScript(): string {
  return `# prism completion for bash. Load it with: source <(prism completion bash)
_prism() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${Object.keys(COMMANDS).join(' ')} --help" -- "$cur") )
    return
  fi
  local options="" choices=""
  case "\${COMP_WORDS[1]}" in
${caseArms('    ', (_name, spec) => `options="${[...spec.options, ...COMMON].join(' ')}"; choices="${wordsOf(spec)}"`)}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$options" -- "$cur") )
  elif [ "$COMP_CWORD" -eq 2 ]; then
    case "\${COMP_WORDS[1]}" in
      ${workstationCommands().join('|')}) choices="$(prism list --names 2>/dev/null)" ;;
    esac
    COMPREPLY=( $(compgen -W "$choices" -- "$cur") )
  fi
}
complete -F _prism prism
`;
}

function zshScript(): string {
  const described = Object.entries(COMMANDS)
    .map(([name, spec]) => `    '${name}:${spec.summary.replace(/'/g, '')}'`)
    .join('\n');
  return `#compdef prism
# prism completion for zsh. Load it with: source <(prism completion zsh)
_prism() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'prism command' commands
    return
  fi
  # Not "words": zsh keeps the command line in that array.
  local -a options choices
  case $words[2] in
${caseArms('    ', (_name, spec) => `options=(${[...spec.options, ...COMMON].join(' ')}); choices=(${wordsOf(spec)})`)}
  esac
  if [[ $PREFIX == -* ]]; then
    compadd -- $options
  elif (( CURRENT == 3 )); then
    case $words[2] in
      ${workstationCommands().join('|')}) choices=(\${(f)"$(prism list --names 2>/dev/null)"}) ;;
    esac
    compadd -- $choices
  fi
}
compdef _prism prism
`;
}

function workstationCommands(): string[] {
  return Object.entries(COMMANDS)
    .filter(([, spec]) => spec.completes === 'workstation')
    .map(([name]) => name);
}
