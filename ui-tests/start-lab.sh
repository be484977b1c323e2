#!/usr/bin/env bash
# The UI tests' server: moto on a free loopback port, then JupyterLab, whose
# jupyter-server-proxy starts prism-server against moto on first use of /prism/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv=${PRISM_VENV:-$root/.venv}
work=$(mktemp -d -t prism-ui-XXXXXX)
export PATH="$venv/bin:$PATH"

# moto's images plus Canonical's Ubuntu 24.04 ones, which moto does not know.
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
# The idle agent reports every 5 s instead of every minute, so monitoring graphs fill in during a test.
export PRISM_AGENT_INTERVAL_SECONDS=5
export PRISM_DATA_DIR="$work/prism"
# AWS profiles the first-run wizard lists and writes live in this run's folder, never in ~/.aws.
export AWS_CONFIG_FILE="$work/aws/config"
export AWS_SHARED_CREDENTIALS_FILE="$work/aws/credentials"
# A copy of the templates: a template a test saves stays in this run's folder.
cp -R "$root/templates" "$work/templates"
export PRISM_TEMPLATES_DIR="$work/templates"
# A small community catalog in moto's S3 (ui-tests/seed-catalog.py).
python "$here/seed-catalog.py" "$PRISM_AWS_ENDPOINT"
export PRISM_CATALOG_URL=s3://prism-ui-catalog/index.json
# A survey bucket for the dataset browser (ui-tests/seed-datasets.py); datasets.spec.ts registers it.
python "$here/seed-datasets.py" "$PRISM_AWS_ENDPOINT"
# Without the lead's prism-server shim in the venv, run the built service.
if ! command -v prism-server >/dev/null; then
  export PRISM_SERVER_COMMAND="${PRISM_SERVER_COMMAND:-node $root/server/bin/prism-server.js}"
fi
# Two more people besides the lab's own user (a Prism admin), for tests of
# what project members and viewers see (projects.spec.ts): their tokens are
# the tests' own, and they reach the service at /proxy/<port>/.
cat >"$work/users.json" <<'USERS'
[{ "user": "ui-member", "token": "ui-member-token-0123456789" },
 { "user": "ui-viewer", "token": "ui-viewer-token-0123456789" }]
USERS
export PRISM_USERS_FILE="$work/users.json"
export PRISM_ALLOWED_ORIGINS=http://localhost:8890
export PRISM_UI_SERVER_COMMAND="${PRISM_SERVER_COMMAND:-prism-server}"
export PRISM_UI_PORT_FILE="${TMPDIR:-/tmp}/prism-ui-8890.port"
rm -f "$PRISM_UI_PORT_FILE"
export PRISM_SERVER_COMMAND="$here/serve-prism.sh"

echo "moto on $PRISM_AWS_ENDPOINT, Prism data in $PRISM_DATA_DIR"
cd "$here"
# exec keeps moto in this process group, so stopping the server stops both.
exec jupyter lab --config jupyter_server_test_config.py
