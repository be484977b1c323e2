/**
 * The idle agent a workstation runs once ready (docs/idle.md): a python3
 * script that every minute reports what the workstation is doing — busy
 * kernels, terminals, SSH sessions, CPU, running jobs — and, for the
 * monitoring graphs, memory, disk and network totals, as an `activity`
 * boot report, through the same channel and with the same launch token as
 * the bootstrap. A systemd service on a real instance; in a dry run (the
 * boot emulator) a background process whose pid is in $ROOT/run/agent.pid,
 * measuring the sandbox's own processes rather than the host's.
 * PRISM_AGENT_INTERVAL_SECONDS shortens the interval for the emulator.
 */

export interface IdleAgentInput {
  report: { url: string | null; bucket: string | null; token: string };
}

export const AGENT_PATH = '/opt/prism/agent.py';

/**
 * Bash for the end of the bootstrap, after the ready report: the agent then
 * is the only one counting report sequence numbers. It uses the bootstrap's
 * variables (LAUNCH_ID, REGION, ROOT, STATE_DIR, JUPYTER_PORT, ...).
 */
export function idleAgentCommands({ report }: IdleAgentInput): string[] {
  const channel = report.url ? ['REPORT_URL=$REPORT_URL'] : [`REPORT_BUCKET=${report.bucket ?? ''}`];
  return [
    '',
    '# The idle agent: its settings (with the report token) readable by root only.',
    'start_idle_agent() {',
    `  mkdir -p "$ROOT/opt/prism" "$ROOT/etc/prism"`,
    `  cat > "$ROOT${AGENT_PATH}" <<'PRISM_AGENT'`,
    ...AGENT_SCRIPT.split('\n'),
    'PRISM_AGENT',
    '  (umask 077 && cat > "$ROOT/etc/prism/agent.env" <<AGENT_ENV',
    'LAUNCH_ID=$LAUNCH_ID',
    'REGION=$REGION',
    ...channel,
    `REPORT_TOKEN=${report.token}`,
    'AWS_ENDPOINT=${PRISM_AWS_ENDPOINT:-}',
    'JUPYTER_PORT=$JUPYTER_PORT',
    'JUPYTER_TOKEN=$JUPYTER_ACCESS_TOKEN',
    'STATE_DIR=$STATE_DIR',
    'INTERVAL_SECONDS=${PRISM_AGENT_INTERVAL_SECONDS:-60}',
    'DRY_RUN=$DRY_RUN',
    'ROOT=$ROOT',
    'AGENT_ENV',
    '  )',
    '  if [[ $DRY_RUN == 1 ]]; then',
    `    nohup python3 "$ROOT${AGENT_PATH}" "$ROOT/etc/prism/agent.env" > "$ROOT/var/log/prism-agent.log" 2>&1 &`,
    '    echo "$!" > "$ROOT/run/agent.pid"',
    '    return 0',
    '  fi',
    '  cat > /etc/systemd/system/prism-agent.service <<UNIT',
    '[Unit]',
    'Description=Prism idle agent: reports this workstation\'s activity',
    'After=network-online.target prism-jupyter.service',
    '',
    '[Service]',
    `ExecStart=/usr/bin/python3 ${AGENT_PATH} /etc/prism/agent.env`,
    'Restart=always',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    '  systemctl daemon-reload',
    '  systemctl enable --now prism-agent.service',
    '}',
    // The workstation is ready already; without the agent it is only never stopped for idleness.
    'start_idle_agent || echo "prism: the idle agent did not start" >&2'
  ];
}

const AGENT_SCRIPT = String.raw`"""Prism idle agent: reports this workstation's activity (docs/idle.md). Generated; do not edit."""
import json, os, subprocess, sys, time, urllib.request
from datetime import datetime, timezone


def settings(path):
    values = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                values[key] = value
    return values


CONF = settings(sys.argv[1])
INTERVAL = float(CONF.get("INTERVAL_SECONDS") or 60)
DRY_RUN = CONF.get("DRY_RUN") == "1"
SANDBOX = ("PRISM_ROOT=" + CONF.get("ROOT", "")).encode() + b"\0"
TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
SELF = os.getpid()
JOB_CPU_PERCENT = 5


def jupyter(path):
    request = urllib.request.Request(
        "http://127.0.0.1:%s%s" % (CONF["JUPYTER_PORT"], path),
        headers={"Authorization": "token " + CONF["JUPYTER_TOKEN"]})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)
    except (OSError, ValueError):
        # Jupyter not answering runs no kernel; CPU and jobs still count.
        return []


def ssh_sessions():
    if DRY_RUN:
        # The sandbox runs no SSH server: the host's sessions are not the workstation's.
        return 0
    sessions = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for row in f:
                    fields = row.split()
                    # Local port 22, state ESTABLISHED.
                    if fields[1].endswith(":0016") and fields[3] == "01":
                        sessions += 1
        except OSError:
            pass
    return sessions


def researcher_process(pid):
    """The researcher's processes: non-system users; in a dry run, the sandbox's own."""
    try:
        if DRY_RUN:
            with open("/proc/%d/environ" % pid, "rb") as f:
                return SANDBOX in f.read()
        uid = os.stat("/proc/%d" % pid).st_uid
        return 1000 <= uid < 65534
    except OSError:
        return False


def processes():
    """CPU ticks used so far by each researcher process, but this agent and the Jupyter server."""
    used = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == SELF or not researcher_process(int(name)):
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                if b"jupyter-lab" in f.read():
                    continue
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            used[int(name)] = int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return used


def system_ticks():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def sample():
    total, idle = system_ticks()
    return {"at": time.monotonic(), "total": total, "idle": idle, "processes": processes()}


def memory():
    """Used = total − available, as free(1) counts it."""
    values = {}
    with open("/proc/meminfo") as f:
        for row in f:
            key, _, rest = row.partition(":")
            values[key] = int(rest.split()[0])
    total, used = values["MemTotal"], values["MemTotal"] - values.get("MemAvailable", values.get("MemFree", 0))
    return round(100.0 * used / total, 1), round(used / 1024.0, 1)


def disk():
    """The root file system; in a dry run the sandbox's folder, which is where its files go."""
    stat = os.statvfs((CONF.get("ROOT") or "/") if DRY_RUN else "/")
    total = stat.f_blocks * stat.f_frsize
    used = total - stat.f_bfree * stat.f_frsize
    return round(100.0 * used / total, 1) if total else 0.0


def network():
    """Bytes received and sent since boot over every interface but loopback (the service makes rates)."""
    rx = tx = 0
    with open("/proc/net/dev") as f:
        for row in list(f)[2:]:
            name, _, counters = row.partition(":")
            if name.strip() != "lo":
                fields = counters.split()
                rx, tx = rx + int(fields[0]), tx + int(fields[8])
    return rx, tx


def resources():
    """Memory, disk and network for the monitoring graphs (docs/monitoring.md); what cannot be read is left out."""
    found = {}
    for read, keys in ((memory, ("memoryPercent", "memoryUsedMiB")), (disk, ("diskPercent",)),
                       (network, ("networkRxBytes", "networkTxBytes"))):
        try:
            values = read()
            found.update(zip(keys, values if isinstance(values, tuple) else (values,)))
        except (OSError, ValueError, KeyError, IndexError, ZeroDivisionError):
            pass
    return found


def activity(before, after):
    seconds = max(after["at"] - before["at"], 0.001)
    deltas = [ticks - before["processes"].get(pid, ticks) for pid, ticks in after["processes"].items()]
    if DRY_RUN:
        cpu = 100.0 * sum(deltas) / (seconds * TICKS * CPUS)
    else:
        total = after["total"] - before["total"]
        cpu = 100.0 * (total - (after["idle"] - before["idle"])) / total if total > 0 else 0.0
    kernels = jupyter("/api/kernels")
    return {
        "busyKernels": sum(1 for k in kernels if k.get("execution_state") == "busy"),
        "kernels": len(kernels),
        "terminals": len(jupyter("/api/terminals")),
        "sshSessions": ssh_sessions(),
        "cpuPercent": round(min(max(cpu, 0.0), 100.0), 1),
        "loadAverage": round(os.getloadavg()[0], 2),
        "runningJobs": sum(1 for d in deltas if 100.0 * d / (seconds * TICKS) > JOB_CPU_PERCENT),
        "intervalSeconds": INTERVAL,
        # Milliseconds: the service divides byte counts by the time between two reports.
        "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        **resources(),
    }


def next_seq():
    """The bootstrap's report counter, carried on: the service ignores a number it saw."""
    path = os.path.join(CONF["STATE_DIR"], "seq")
    try:
        with open(path) as f:
            seq = int(f.read().strip() or 0) + 1
    except (OSError, ValueError):
        seq = 1
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % seq)
    os.replace(path + ".tmp", path)
    return seq


def send(report):
    launch = CONF["LAUNCH_ID"]
    if CONF.get("REPORT_URL"):
        request = urllib.request.Request(
            "%s/api/v1/boot/%s/reports" % (CONF["REPORT_URL"], launch),
            data=json.dumps(report).encode(),
            headers={"Authorization": "Bearer " + CONF["REPORT_TOKEN"], "Content-Type": "application/json"},
            method="POST")
        urllib.request.urlopen(request, timeout=30).close()
        return
    report["token"] = CONF["REPORT_TOKEN"]
    command = ["aws", "s3", "cp", "--region", CONF["REGION"]]
    if CONF.get("AWS_ENDPOINT"):
        command += ["--endpoint-url", CONF["AWS_ENDPOINT"]]
    key = "s3://%s/prism-reports/%s/%08d.json" % (CONF["REPORT_BUCKET"], launch, report["seq"])
    subprocess.run(command + ["-", key], input=json.dumps(report).encode(), check=True,
                   stdout=subprocess.DEVNULL, timeout=60)


def main():
    before = sample()
    while True:
        time.sleep(INTERVAL)
        try:
            after = sample()
            send({"seq": next_seq(), "type": "activity", "activity": activity(before, after)})
            before = after
        except Exception as error:  # One lost report is no reason to stop reporting.
            print("prism-agent: report not delivered: %s" % error, file=sys.stderr, flush=True)


main()`;
