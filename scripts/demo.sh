#!/usr/bin/env bash
# The demo: moto on loopback, then JupyterLab, which starts prism-server through
# jupyter-server-proxy at /prism/ with emulated boots. Ctrl-C stops everything.
set -euo pipefail
demo_dir="$1"; lab_port="$2"; moto_port="$3"
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/.venv"

"$repo/server/test/support/run-moto.sh" "$moto_port" >"$demo_dir/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$moto_port/moto-api/" >/dev/null 2>&1 && break
  kill -0 "$moto_pid" 2>/dev/null || { echo "moto did not start; see $demo_dir/moto.log" >&2; exit 1; }
  sleep 0.2
done

export PATH="$venv/bin:$PATH"
export PRISM_AWS_ENDPOINT="http://127.0.0.1:$moto_port"
export PRISM_REGION=us-east-1
export PRISM_EMULATED_BOOT=1
export PRISM_DATA_DIR="$demo_dir/data"
export AWS_ACCESS_KEY_ID=prism-demo AWS_SECRET_ACCESS_KEY=prism-demo

token="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
cat <<MSG

  Prism demo (AWS emulator: moto on 127.0.0.1:$moto_port, no AWS account needed)

  Open:  http://127.0.0.1:$lab_port/lab?token=$token
  Then:  Launcher → "Prism Workstation"

  Logs: $demo_dir/jupyterlab.log (JupyterLab and Prism), $demo_dir/moto.log
  Ctrl-C stops JupyterLab, Prism and the emulator.

MSG
# Containers and CI machines often run as root; Jupyter refuses that unless told.
allow_root=()
[ "$(id -u)" = 0 ] && allow_root=(--allow-root)
cd "$demo_dir/notebooks"
jupyter lab --no-browser --ip 127.0.0.1 --port "$lab_port" \
  --IdentityProvider.token="$token" --ServerApp.open_browser=False "${allow_root[@]}" >"$demo_dir/jupyterlab.log" 2>&1
