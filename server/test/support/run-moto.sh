#!/bin/sh
# Runs moto in the foreground as the integration tests do (validation on), for
# `make demo` and by hand. Usage: run-moto.sh [port]  (default 5000).
# Then start Prism with PRISM_AWS_ENDPOINT=http://127.0.0.1:<port> PRISM_REGION=us-east-1.
set -eu
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
port="${1:-5000}"
export MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true
export MOTO_ENABLE_AMI_VALIDATION=true
export MOTO_ENABLE_KEYPAIR_VALIDATION=true
# moto's images plus Canonical's Ubuntu 24.04 ones, which moto does not know.
export MOTO_AMIS_PATH="$repo/.venv/prism-moto-amis.json"
"$repo/.venv/bin/python" "$repo/server/test/support/moto-amis.py" "$MOTO_AMIS_PATH"
exec "$repo/.venv/bin/moto_server" -H 127.0.0.1 -p "$port"
