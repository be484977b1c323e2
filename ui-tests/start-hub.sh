#!/usr/bin/env bash
# A real JupyterHub for tests/jupyterhub.spec.ts, configured by
# examples/jupyterhub_config.py itself: Prism is its managed service (the
# built server/dist, against moto, emulated boot), users' JupyterLabs run
# with the extension as built in jupyterlab_prism/labextension.
# Usage: start-hub.sh <public port>; prints nothing until the hub answers.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv=${PRISM_VENV:-$root/.venv}
work=$(mktemp -d -t prism-hub-ui-XXXXXX)
export PATH="$root/node_modules/.bin:$venv/bin:$PATH"
free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

python "$root/server/test/support/moto-amis.py" "$work/moto-amis.json"
moto_port=$(free_port)
MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true \
MOTO_ENABLE_AMI_VALIDATION=true \
MOTO_ENABLE_KEYPAIR_VALIDATION=true \
MOTO_AMIS_PATH="$work/moto-amis.json" \
  moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &

# The freshly built extension ahead of any installed copy.
mkdir -p "$work/jupyter/labextensions"
ln -s "$root/jupyterlab_prism/labextension" "$work/jupyter/labextensions/jupyterlab-prism"
mkdir -p "$work/home"

cat >"$work/jupyterhub_config.py" <<EOF
exec(open('$root/examples/jupyterhub_config.py').read())
c.JupyterHub.bind_url = 'http://127.0.0.1:$1'
c.JupyterHub.hub_bind_url = 'http://127.0.0.1:$(free_port)'
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:$(free_port)'
prism = c.JupyterHub.services[0]
prism['url'] = 'http://127.0.0.1:$(free_port)'
prism['command'] = ['node', '$root/server/bin/prism-server.js']
prism['environment'].update({
    'PRISM_DATA_DIR': '$work/prism',
    'PRISM_AWS_ENDPOINT': 'http://127.0.0.1:$moto_port',
    'AWS_ACCESS_KEY_ID': 'testing',
    'AWS_SECRET_ACCESS_KEY': 'testing',
    'PRISM_EMULATED_BOOT': '1',
    'PRISM_LOG_LEVEL': 'warn',
})
prism['environment'].pop('AWS_PROFILE')
# Test machines run as root and slowly; users' servers see the extension just built.
c.Spawner.args = ['--allow-root']
c.Spawner.env_keep = ['PATH', 'LANG']
c.Spawner.environment = {'JUPYTER_PATH': '$work/jupyter'}
c.SimpleLocalProcessSpawner.home_dir_template = '$work/home/{username}'
c.Spawner.default_url = '/lab'
c.Spawner.http_timeout = 240
c.Spawner.start_timeout = 240
EOF

cd "$work"
# exec keeps moto in this process group, so stopping the hub's group stops all.
HUB_DEMO_PASSWORD=ui-test-password CONFIGPROXY_AUTH_TOKEN=$(python -c 'import secrets; print(secrets.token_hex(24))') \
  exec jupyterhub -f "$work/jupyterhub_config.py"
