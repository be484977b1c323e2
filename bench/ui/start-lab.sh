#!/usr/bin/env bash
# The UI benchmark's server: ui-tests/start-lab.sh's moto and JupyterLab (with
# the Prism service behind jupyter-server-proxy), on port 8891, with
# BENCH_UI_WORKSTATIONS settled workstations seeded into the service's SQLite
# before anything starts (seed-workstations.ts; never through a route).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${PRISM_VENV:-$root/.venv}
work=$(mktemp -d -t prism-bench-ui-XXXXXX)
export PATH="$venv/bin:$PATH"

python "$root/server/test/support/moto-amis.py" "$work/moto-amis.json"
moto_port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true \
MOTO_ENABLE_AMI_VALIDATION=true \
MOTO_ENABLE_KEYPAIR_VALIDATION=true \
MOTO_AMIS_PATH="$work/moto-amis.json" \
  moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &

for _ in $(seq 100); do
  if python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$moto_port/moto-api/data.json')" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

export PRISM_AWS_ENDPOINT="http://127.0.0.1:$moto_port"
export PRISM_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export PRISM_EMULATED_BOOT=1
export PRISM_DATA_DIR="$work/prism"
export AWS_CONFIG_FILE="$work/aws/config"
export AWS_SHARED_CREDENTIALS_FILE="$work/aws/credentials"
export PRISM_TEMPLATES_DIR="$root/templates"
export PRISM_SERVER_COMMAND="${PRISM_SERVER_COMMAND:-node $root/server/bin/prism-server.js}"

# The service names its caller after the account it runs as.
node -r "$root/bench/register.js" "$here/seed-workstations.ts" "$PRISM_DATA_DIR" "${BENCH_UI_WORKSTATIONS:-1000}" "$(id -un)"

# The repository's build of the extension, ahead of the copy installed in the venv (which may be older).
mkdir -p "$work/labextensions"
ln -s "$root/jupyterlab_prism/labextension" "$work/labextensions/jupyterlab-prism"
export PRISM_BENCH_LABEXTENSIONS="$work/labextensions"

echo "moto on $PRISM_AWS_ENDPOINT, Prism data in $PRISM_DATA_DIR"
cd "$work"
exec jupyter lab --config "$here/jupyter_bench_config.py"
