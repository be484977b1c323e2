/**
 * The cloud-init user data a workstation boots with: a bash bootstrap that
 * installs the template's software for the instance's arch, mounts its
 * datasets, starts its services and reports every step, log line and its
 * readiness to the service (DESIGN, "Launch, the core path", step 5).
 *
 * The same script runs in the boot emulator: PRISM_DRY_RUN=1 turns installs,
 * mounts and systemd into `dry-run:` log lines and starts a real local
 * JupyterLab instead; PRISM_ROOT prefixes every path it writes;
 * PRISM_JUPYTER_PORT moves Jupyter off 8888.
 */
import type { Arch } from '../contract/events';
import { PrismError } from './errors';
import { idleAgentCommands } from './idle-agent';
import { EMULATED_MOUNT_MARKER } from './mount-spec';
import { quote } from './bash-quote';
import { bootstrapSteps, standInServices } from './bootstrap-steps';
import { DEFAULT_OS, type Template } from './template';
import { applyParameters, resolveParameterValues, type ParameterValues } from './template-parameters';

export interface BootstrapDataset {
  bucket: string;
  prefix: string;
  readOnly: boolean;
  mountPoint: string;
}

export interface BootstrapInput {
  launchId: string;
  template: Template;
  arch: Arch;
  region: string;
  /** `url` set: HTTP phone-home to the service; otherwise report objects in `bucket`. */
  report: { url: string | null; bucket: string | null; token: string };
  jupyterToken: string;
  datasets: BootstrapDataset[];
  /** EFS volumes, each through the owner's access point. */
  volumes?: { fileSystemId: string; accessPointId: string; mountPoint: string }[];
  /** The researcher's launch parameters; the template's defaults fill the rest. */
  parameters?: ParameterValues;
}

export const BOOTSTRAP_PATH = '/opt/prism/bootstrap.sh';
const BOOTSTRAP_LOG = '/var/log/prism-bootstrap.log';

export function renderBootstrap(input: BootstrapInput): string {
  const template = applyParameters(input.template, resolveParameterValues(input.template, input.parameters));
  const script = renderScript({ ...input, template });
  return [
    '#cloud-config',
    'write_files:',
    `  - path: ${BOOTSTRAP_PATH}`,
    '    owner: root:root',
    "    permissions: '0755'",
    '    content: |',
    ...script.split('\n').map(line => (line === '' ? '' : `      ${line}`)),
    'runcmd:',
    `  - [bash, -c, "${BOOTSTRAP_PATH} >> ${BOOTSTRAP_LOG} 2>&1"]`,
    ''
  ].join('\n');
}

function renderScript(input: BootstrapInput): string {
  const steps = bootstrapSteps(input);
  const { template, arch } = input;
  return [
    '#!/bin/bash',
    `# Prism bootstrap: template ${template.name} ${template.version} on ${arch}. Generated; do not edit.`,
    'set -Eeuo pipefail',
    '',
    `readonly LAUNCH_ID=${quote(input.launchId)}`,
    `readonly REGION=${quote(input.region)}`,
    `readonly WORKSTATION_USER=${quote(template.user)}`,
    `readonly JUPYTER_ACCESS_TOKEN=${quote(input.jupyterToken)}`,
    `readonly TOTAL_STEPS=${steps.length}`,
    ...SETTINGS,
    ...reportFunction(input),
    ...HELPERS,
    ...reportTools(input),
    ...steps.flatMap((step, index) => [
      '',
      `step ${index + 1} ${step.name} ${quote(step.message)}`,
      ...step.commands
    ]),
    '',
    'CURRENT_STEP=ready',
    'touch "$STATE_DIR/ready"',
    'if [[ $DRY_RUN == 1 ]]; then',
    `  report ready "services=jupyter:$JUPYTER_PORT$STANDIN_SERVICES" ${quote(`message=Ready (emulated: ${emulatedServices(template)})`)}`,
    'else',
    `  report ready "services=${readyServices(template)}" 'message=Ready'`,
    'fi',
    ...idleAgentCommands(input),
    ''
  ].join('\n');
}

/** What a dry run really runs, and what only answers for a service it cannot install. */
function emulatedServices(template: Template): string {
  const standIns = standInServices(template).map(service => service.name);
  return standIns.length ? `Jupyter runs; ${standIns.join(', ')} answer${standIns.length === 1 ? 's' : ''} from a stand-in` : 'only Jupyter runs';
}

/** Ubuntu images carry no AWS CLI, which the S3 report channel writes with. */
function reportTools({ template, report }: BootstrapInput): string[] {
  if ((template.os ?? DEFAULT_OS) !== 'ubuntu-24.04' || report.url) return [];
  return ['', 'if [[ $DRY_RUN != 1 ]] && ! command -v aws >/dev/null; then snap install aws-cli --classic; fi'];
}

/** `name:port` pairs for a double-quoted word; Jupyter's port is the script's, which the emulator may move. */
function readyServices(template: Template): string {
  return template.services
    .map(service => (service.name === 'jupyter' ? 'jupyter:$JUPYTER_PORT' : `${service.name.replace(/[^a-z0-9-]/g, '')}:${Number(service.port)}`))
    .join(' ');
}

const SETTINGS = [
  'readonly ROOT="${PRISM_ROOT:-}"',
  'readonly DRY_RUN="${PRISM_DRY_RUN:-0}"',
  'readonly JUPYTER_PORT="${PRISM_JUPYTER_PORT:-8888}"',
  'readonly STATE_DIR="$ROOT/var/lib/prism"',
  'readonly HOME_DIR="$ROOT/home/$WORKSTATION_USER"',
  'CURRENT_STEP=start',
  'STEP_LOG="$STATE_DIR/start.log"',
  'mkdir -p "$STATE_DIR" "$ROOT/run" "$ROOT/var/log" "$HOME_DIR"'
];

/** The report token appears here only, never in another command's environment. */
function reportFunction({ report, launchId }: BootstrapInput): string[] {
  if (!report.url && !report.bucket) {
    throw new PrismError(
      'BOOT_REPORT_CHANNEL_MISSING',
      500,
      'No way for the workstation to report',
      `Launch ${launchId} has neither a report URL nor a report bucket.`,
      'Set PRISM_REPORT_URL to where workstations reach the service, or PRISM_REPORT_BUCKET.'
    );
  }
  const send = report.url
    ? [
        `    | curl -fsS --retry 5 --retry-connrefused -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data @- "$REPORT_URL/api/v1/boot/$LAUNCH_ID/reports" >/dev/null \\`
      ]
    : [
        `    | aws s3 cp --region "$REGION" \${PRISM_AWS_ENDPOINT:+--endpoint-url "$PRISM_AWS_ENDPOINT"} - "s3://"${quote(report.bucket ?? '')}"/prism-reports/$LAUNCH_ID/$(printf %08d "$seq").json" >/dev/null \\`
      ];
  const body = report.url ? '  report_json "$seq" "$@" \\' : '  PRISM_REPORT_TOKEN="$token" report_json "$seq" "$@" \\';
  const where = report.url
    ? [
        '',
        '# The boot emulator may route the phone-home to where the service listens now.',
        `REPORT_URL=${quote(report.url.replace(/\/+$/, ''))}`,
        'REPORT_URL="${PRISM_REPORT_URL:-$REPORT_URL}"'
      ]
    : [];
  return [
    ...where,
    '',
    '# Sends one boot report; a report that cannot be delivered never stops the boot.',
    'report() {',
    `  local token=${quote(report.token)}`,
    '  local seq',
    '  seq=$(( $(cat "$STATE_DIR/seq" 2>/dev/null || echo 0) + 1 ))',
    '  echo "$seq" > "$STATE_DIR/seq"',
    body,
    ...send,
    '    || echo "prism: report $seq ($1) not delivered" >&2',
    '}'
  ];
}

const HELPERS = String.raw`
# One BootReport as JSON: report_json SEQ TYPE [key=value...]; python3 escapes safely.
report_json() {
  python3 -c '
import json, os, sys
seq, kind, *fields = sys.argv[1:]
body = {"seq": int(seq), "type": kind}
for field in fields:
    key, _, value = field.partition("=")
    if key in ("index", "total"):
        body[key] = int(value)
    elif key == "services":
        body[key] = [{"name": n, "port": int(p)} for n, p in (s.split(":") for s in value.split())]
    else:
        body[key] = value
if os.environ.get("PRISM_REPORT_TOKEN"):
    body["token"] = os.environ["PRISM_REPORT_TOKEN"]
print(json.dumps(body))
' "$@"
}

log_line() {
  printf '%s\n' "$1" | tee -a "$STEP_LOG"
  report log "line=$1"
}

# Runs a command with its output reported line by line; a dry run only says what it would run.
run() {
  if [[ $DRY_RUN == 1 ]]; then
    log_line "dry-run: $*"
    return 0
  fi
  "$@" 2>&1 | while IFS= read -r line; do log_line "$line"; done
}

step() {
  CURRENT_STEP=$2
  STEP_LOG="$STATE_DIR/$2.log"
  : > "$STEP_LOG"
  report step "step=$2" "index=$1" "total=$TOTAL_STEPS" "message=$3"
}

on_failure() {
  local status=$?
  trap - ERR
  report failed "step=$CURRENT_STEP" "message=Step $CURRENT_STEP failed (exit $status). Last lines:
$(tail -n 20 "$STEP_LOG" 2>/dev/null)"
  exit "$status"
}
trap on_failure ERR

# A dry run's stand-in for a mount: the marker the agent's stand-in for mountpoint looks for.
emulated_mount() {
  if [[ $DRY_RUN == 1 ]]; then : > "$1/${EMULATED_MOUNT_MARKER}"; fi
}

mount_dataset() {
  local bucket=$1 prefix=$2 access=$3 mount_point="$ROOT$4"
  local owner_uid owner_gid
  owner_uid=$(id -u "$WORKSTATION_USER" 2>/dev/null || id -u)
  owner_gid=$(id -g "$WORKSTATION_USER" 2>/dev/null || id -g)
  mkdir -p "$mount_point"
  local options=(--region "$REGION" --allow-other --uid "$owner_uid" --gid "$owner_gid")
  if [[ $access == read-only ]]; then options+=(--read-only); else options+=(--allow-delete); fi
  if [[ -n $prefix ]]; then options+=(--prefix "$prefix"); fi
  if [[ $DRY_RUN == 1 ]]; then check_emulated_bucket "$bucket" "$prefix" || return 1; fi
  run mount-s3 "${'${options[@]}'}" "$bucket" "$mount_point" || { log_line "could not mount s3://$bucket/$prefix at $4"; return 1; }
  emulated_mount "$mount_point"
  boot_mounted "$4"
  log_line "mounted s3://$bucket/$prefix at $4 ($access)"
}

# The agent learns these before its first round, so one no longer wanted by then is unmounted.
boot_mounted() {
  printf '%s\n' "$1" >> "$STATE_DIR/boot-mounts"
}

# A dry run mounts nothing, so it checks what mount-s3 checks first: that the prefix can be
# listed, here at the emulator's endpoint. A dataset whose bucket is gone fails as on AWS.
check_emulated_bucket() {
  local answer endpoint=${'${PRISM_AWS_ENDPOINT:-}'}
  if [[ -z $endpoint ]] || ! command -v aws >/dev/null; then
    log_line "emulated: no emulator endpoint or aws CLI here, so s3://$1/$2 is not checked"
    return 0
  fi
  if ! answer=$(aws s3api list-objects-v2 --bucket "$1" --prefix "$2" --max-items 1 --region "$REGION" \
      --endpoint-url "$endpoint" 2>&1 >/dev/null); then
    log_line "cannot reach s3://$1/$2: $(printf '%s\n' "$answer" | tail -n 1)"
    return 1
  fi
}

# EFS through the owner's access point, with the EFS mount helper (TLS in transit).
mount_volume() {
  local file_system=$1 access_point=$2 mount_point="$ROOT$3"
  mkdir -p "$mount_point"
  run mount -t efs -o "tls,accesspoint=$access_point" "$file_system:/" "$mount_point"
  emulated_mount "$mount_point"
  boot_mounted "$3"
  log_line "mounted $file_system (access point $access_point) at $3"
}

write_jupyter_unit() {
  mkdir -p "$ROOT/etc/prism" "$ROOT/etc/systemd/system"
  (umask 077 && printf 'JUPYTER_TOKEN=%s\n' "$JUPYTER_ACCESS_TOKEN" > "$ROOT/etc/prism/jupyter.env")
  cat > "$ROOT/etc/systemd/system/prism-jupyter.service" <<UNIT
[Unit]
Description=JupyterLab for this Prism workstation
After=network-online.target

[Service]
User=$WORKSTATION_USER
WorkingDirectory=/home/$WORKSTATION_USER
EnvironmentFile=/etc/prism/jupyter.env
Environment=PATH=/opt/conda/bin:/usr/local/bin:/usr/bin:/bin
ExecStart=/usr/bin/env jupyter lab --no-browser --ip 0.0.0.0 --port $JUPYTER_PORT --ServerApp.root_dir=/home/$WORKSTATION_USER
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
}

# The emulator's stand-in for the systemd unit: the same Jupyter, on loopback, in the sandbox.
start_sandbox_jupyter() {
  local as_root=()
  # Containers and CI run the emulator as root; Jupyter refuses that unless told.
  if [[ $(id -u) == 0 ]]; then as_root=(--allow-root); fi
  JUPYTER_TOKEN="$JUPYTER_ACCESS_TOKEN" nohup jupyter lab --no-browser --ip 127.0.0.1 --port "$JUPYTER_PORT" \
    --ServerApp.root_dir="$HOME_DIR" "${'${as_root[@]}'}" > "$ROOT/var/log/jupyter.log" 2>&1 &
  echo "$!" > "$ROOT/run/jupyter.pid"
}

# The emulator's stand-in for a service a dry run does not install (RStudio, ...): a
# labelled HTTP responder on a free loopback port, so that service's health check runs
# the same path as on AWS. It tells whoever asks that it is a stand-in.
STANDIN_SERVICES=''
start_standin() {
  local name=$1 port_file="$ROOT/run/$1.port" attempt
  rm -f "$port_file"
  nohup python3 -c '
import http.server, os, sys
name, port_file = sys.argv[1:]
class StandIn(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("Prism boot emulator: a stand-in for %s, which a dry run does not install.\n" % name).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), StandIn)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
' "$name" "$port_file" > "$ROOT/var/log/standin-$name.log" 2>&1 &
  for attempt in $(seq 1 100); do
    if [[ -s $port_file ]]; then
      STANDIN_SERVICES+=" $name:$(cat "$port_file")"
      log_line "emulated: $name is a stand-in HTTP responder on port $(cat "$port_file"); a dry run does not install it"
      return 0
    fi
    sleep 0.1
  done
  log_line "the stand-in for $name did not start after $attempt attempts"
  return 1
}

wait_for_jupyter() {
  local attempt
  for attempt in $(seq 1 180); do
    if curl -fs -o /dev/null "http://127.0.0.1:$JUPYTER_PORT/api"; then
      log_line "Jupyter answers on port $JUPYTER_PORT"
      return 0
    fi
    if [[ -f $ROOT/run/jupyter.pid ]] && ! kill -0 "$(cat "$ROOT/run/jupyter.pid")" 2>/dev/null; then
      tail -n 20 "$ROOT/var/log/jupyter.log" >> "$STEP_LOG" || true
      break
    fi
    sleep 1
  done
  log_line "Jupyter did not answer on port $JUPYTER_PORT after $attempt attempts"
  return 1
}`.split('\n');
