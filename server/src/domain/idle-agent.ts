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
 *
 * Each round it also keeps the workstation's storage as the service wants it
 * (domain/mount-spec.ts): the reply to its HTTP report, or over S3 an object
 * the service writes, names every mount and sync run; it mounts what is
 * missing or dropped (`mountpoint -q`), unmounts what was detached, runs each
 * sync once with `aws s3 sync`, and reports `mounts` and `sync` results. A dry
 * run's mounts leave a marker that its stand-in for `mountpoint` checks.
 */
import { DESIRED_PREFIX, EMULATED_MOUNT_MARKER } from './mount-spec';

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
    'WORKSTATION_USER=$WORKSTATION_USER',
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
import json, os, pwd, shutil, subprocess, sys, time, urllib.request
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
DESIRED_PREFIX = "${DESIRED_PREFIX}"
EMULATED_MOUNT_MARKER = "${EMULATED_MOUNT_MARKER}"
SYNC_TIMEOUT_SECONDS = 6 * 3600
KEYS_BEGIN = "# BEGIN Prism team keys (kept by the Prism agent: add your own lines outside this block)"
KEYS_END = "# END Prism team keys"


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
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    report["token"] = CONF["REPORT_TOKEN"]
    command = ["aws", "s3", "cp", "--region", CONF["REGION"]]
    if CONF.get("AWS_ENDPOINT"):
        command += ["--endpoint-url", CONF["AWS_ENDPOINT"]]
    key = "s3://%s/prism-reports/%s/%08d.json" % (CONF["REPORT_BUCKET"], launch, report["seq"])
    subprocess.run(command + ["-", key], input=json.dumps(report).encode(), check=True,
                   stdout=subprocess.DEVNULL, timeout=60)


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def local(path):
    """Where a workstation path is here: in a dry run, inside the sandbox."""
    return (CONF.get("ROOT") or "") + path if DRY_RUN else path


def aws(*args):
    command = ["aws", *args, "--region", CONF["REGION"]]
    return command + (["--endpoint-url", CONF["AWS_ENDPOINT"]] if CONF.get("AWS_ENDPOINT") else [])


def load(name, empty):
    try:
        with open(os.path.join(CONF["STATE_DIR"], name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return empty


def save(name, value):
    path = os.path.join(CONF["STATE_DIR"], name)
    with open(path + ".tmp", "w") as f:
        json.dump(value, f)
    os.replace(path + ".tmp", path)


def read_desired():
    """Over S3 the service writes the desired state as an object; absent until it has something to say."""
    key = "s3://%s/%s/%s.json" % (CONF["REPORT_BUCKET"], DESIRED_PREFIX, CONF["LAUNCH_ID"])
    done = subprocess.run(aws("s3", "cp", key, "-"), capture_output=True, timeout=60)
    return json.loads(done.stdout) if done.returncode == 0 else None


def mounted(path):
    """mountpoint(1); a dry run's stand-in checks the marker its mount left, which goes when the mount drops."""
    if DRY_RUN:
        return os.path.exists(os.path.join(local(path), EMULATED_MOUNT_MARKER))
    return subprocess.run(["mountpoint", "-q", path]).returncode == 0


def owner_ids():
    try:
        entry = pwd.getpwnam(CONF.get("WORKSTATION_USER", ""))
        return str(entry.pw_uid), str(entry.pw_gid)
    except KeyError:
        return str(os.getuid()), str(os.getgid())


def mount_command(spec):
    """The bootstrap's own mounts: Mountpoint for S3 as the workstation's user, EFS through the access point."""
    if spec["kind"] == "s3":
        s3, (uid, gid) = spec["s3"], owner_ids()
        command = ["mount-s3", "--region", CONF["REGION"], "--allow-other", "--uid", uid, "--gid", gid]
        command += ["--read-only"] if s3["readOnly"] else ["--allow-delete"]
        command += ["--prefix", s3["prefix"]] if s3["prefix"] else []
        return command + [s3["bucket"], spec["path"]]
    efs = spec["efs"]
    options = "tls,accesspoint=" + efs["accessPointId"] + (",ro" if efs.get("readOnly") else "")
    return ["mount", "-t", "efs", "-o", options, efs["fileSystemId"] + ":/", spec["path"]]


def mount(spec):
    """None once mounted, else why not."""
    os.makedirs(local(spec["path"]), exist_ok=True)
    command = mount_command(spec)
    if DRY_RUN:
        print("dry-run: " + " ".join(command), flush=True)
        open(os.path.join(local(spec["path"]), EMULATED_MOUNT_MARKER), "w").close()
        return None
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    said = (done.stderr or done.stdout).strip().splitlines()
    if done.returncode != 0:
        return said[-1] if said else "%s exited with %d" % (command[0], done.returncode)
    return None if mounted(spec["path"]) else "%s succeeded but %s is no mount point" % (command[0], spec["path"])


def unmount(path):
    if DRY_RUN:
        print("dry-run: umount " + path, flush=True)
        os.remove(os.path.join(local(path), EMULATED_MOUNT_MARKER))
    else:
        subprocess.run(["umount", path], capture_output=True, timeout=120)


def via(spec):
    """What a mount goes through; the same path through something else is another mount."""
    return json.dumps(spec.get("efs") or spec.get("s3"), sort_keys=True)


def known_mounts():
    """What the agent mounted; before its first round, what the bootstrap mounted (status not yet reported)."""
    known = load("mounts.json", None)
    if known is not None:
        return known
    try:
        with open(os.path.join(CONF["STATE_DIR"], "boot-mounts")) as f:
            return {line.strip(): {"status": None, "reason": None} for line in f if line.strip()}
    except OSError:
        return {}


def keep_mounts(desired):
    """Mounts what is missing or dropped, unmounts what was detached; reports when anything changed."""
    known, lines = known_mounts(), []
    wanted = {spec["path"]: spec for spec in desired}
    for path in [p for p in known if p not in wanted]:
        if mounted(path):
            unmount(path)
        lines.append("unmounted %s: it was detached" % path)
        del known[path]
    changed = bool(lines)
    for path, spec in wanted.items():
        before = known.get(path, {})
        reason = None
        # Another access point at the same path (a project role changed): mount it anew.
        moved = before.get("via") not in (None, via(spec))
        if moved and mounted(path):
            unmount(path)
        if not mounted(path):
            reason = mount(spec)
            if reason is None:
                dropped = before.get("status") == "mounted" and not moved
                lines.append("re-mounted %s: it had dropped" % path if dropped else "mounted %s at %s" % (spec["source"], path))
            elif reason != before.get("reason"):
                lines.append("could not mount %s at %s: %s" % (spec["source"], path, reason))
        now_known = {"status": "failed" if reason else "mounted", "reason": reason}
        changed = changed or now_known != {"status": before.get("status"), "reason": before.get("reason")} or bool(lines)
        known[path] = dict(now_known, via=via(spec))
    save("mounts.json", known)
    if changed:
        at = now()
        report = {"seq": next_seq(), "type": "mounts",
                  "mounts": [dict(path=p, status=k["status"], at=at, **({"reason": k["reason"]} if k["reason"] else {}))
                             for p, k in known.items()]}
        if lines:
            report["line"] = "\n".join(lines)
        send(report)


def authorized_keys_file():
    """The login user's authorized_keys, and their uid and gid (none in a dry run: the sandbox is this user's)."""
    user = CONF.get("WORKSTATION_USER", "")
    try:
        entry = pwd.getpwnam(user)
        home, ids = entry.pw_dir, (entry.pw_uid, entry.pw_gid)
    except KeyError:
        home, ids = "/home/" + user, None
    if DRY_RUN:
        home, ids = "/home/" + user, None
    return local(os.path.join(home, ".ssh", "authorized_keys")), ids


def keep_keys(keys):
    """The team's block in authorized_keys, as the service lists it; lines outside it (the owner's key pair) stay."""
    path, ids = authorized_keys_file()
    try:
        with open(path) as f:
            current = f.read().splitlines()
    except FileNotFoundError:
        current = []
    outside, inside = [], False
    for line in current:
        if line in (KEYS_BEGIN, KEYS_END):
            inside = line == KEYS_BEGIN
        elif not inside:
            outside.append(line)
    lines = [k["line"] for k in keys]
    wanted = outside + ([KEYS_BEGIN] + lines + [KEYS_END] if lines else [])
    if wanted == current:
        return
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path + ".prism", "w") as f:
        f.write("".join(line + "\n" for line in wanted))
    os.chmod(path + ".prism", 0o600)
    if ids:
        os.chown(os.path.dirname(path), *ids)
        os.chown(path + ".prism", *ids)
    os.replace(path + ".prism", path)
    people = sorted({k["user"] for k in keys})
    said = "%d key%s of %s" % (len(lines), "" if len(lines) == 1 else "s", ", ".join(people)) if lines else "none"
    send({"seq": next_seq(), "type": "log", "line": "team keys in authorized_keys: " + said})


def copied(output, source, destination):
    """The files aws s3 sync downloaded ("download: s3://bucket/prefix/key to local"), relative to the source, with their size."""
    files = []
    for line in output.splitlines():
        if not line.startswith("download: " + source):
            continue
        rest = line[len("download: " + source):]
        cut = rest.find(" to ")
        # A key may hold " to " itself: the right cut names a file that is there now.
        while cut != -1 and not os.path.isfile(os.path.join(destination, rest[:cut])):
            cut = rest.find(" to ", cut + 1)
        if cut != -1:
            files.append({"path": rest[:cut], "bytes": os.path.getsize(os.path.join(destination, rest[:cut]))})
    return files


def aws_cli_missing():
    """Ubuntu images carry no AWS CLI, and a sync may be ordered long after boot: install it then."""
    if shutil.which("aws"):
        return None
    if not DRY_RUN and shutil.which("snap"):
        done = subprocess.run(["snap", "install", "aws-cli", "--classic"], capture_output=True, text=True, timeout=900)
        if done.returncode == 0 and shutil.which("aws"):
            return None
        said = done.stderr.strip().splitlines()
        return "the AWS CLI could not be installed: " + (said[-1] if said else "snap exited with %d" % done.returncode)
    return "the AWS CLI is not installed on this workstation"


def sync(order):
    destination, source = local(order["destination"]), order["source"]
    missing = aws_cli_missing()
    if missing:
        return {"run": order["run"], "status": "failed", "files": [], "reason": missing}
    os.makedirs(destination, exist_ok=True)
    try:
        done = subprocess.run(aws("s3", "sync", source, destination, "--no-progress"),
                              capture_output=True, text=True, timeout=SYNC_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return {"run": order["run"], "status": "failed", "files": [], "reason": "aws s3 sync took over %d s" % SYNC_TIMEOUT_SECONDS}
    result = {"run": order["run"], "status": "ok", "files": copied(done.stdout, source, destination)}
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        result.update(status="failed", reason=said[-1] if said else "aws s3 sync exited with %d" % done.returncode)
    return result


def run_syncs(orders):
    """Each run once: its id is kept once reported, so a repeated order is not copied again."""
    done = load("syncs-done.json", [])
    for order in orders:
        if order["run"] in done:
            continue
        send({"seq": next_seq(), "type": "sync", "sync": sync(order)})
        done = (done + [order["run"]])[-200:]
        save("syncs-done.json", done)


def main():
    before = sample()
    desired = None
    while True:
        time.sleep(INTERVAL)
        try:
            after = sample()
            reply = send({"seq": next_seq(), "type": "activity", "activity": activity(before, after)})
            before = after
            # None is "not known", never "nothing wanted": what is mounted stays until the service says otherwise.
            fresh = (reply or {}).get("desired") if CONF.get("REPORT_URL") else read_desired()
            desired = fresh or desired
        except Exception as error:  # One lost report is no reason to stop reporting.
            print("prism-agent: report not delivered: %s" % error, file=sys.stderr, flush=True)
        for work, part in ((keep_mounts, "mounts"), (run_syncs, "syncs")):
            try:
                if desired:
                    work(desired.get(part) or [])
            except Exception as error:  # A mount or a sync that fails is reported; this is for what is not.
                print("prism-agent: %s: %s" % (part, error), file=sys.stderr, flush=True)
        try:
            # Absent: a service without team keys, which leaves the file as it is.
            if desired and "authorizedKeys" in desired:
                keep_keys(desired["authorizedKeys"])
        except Exception as error:  # The next round tries again.
            print("prism-agent: team keys: %s" % error, file=sys.stderr, flush=True)


main()`;
