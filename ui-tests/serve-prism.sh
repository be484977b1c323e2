#!/usr/bin/env bash
# jupyter-server-proxy starts the service through this (start-lab.sh) with
# PRISM_PORT set. The port goes where tests that act as another person read
# it: they reach the service at /proxy/<port>/ with that person's token,
# which /prism/ would replace with the lab's own.
set -euo pipefail
echo "$PRISM_PORT" >"$PRISM_UI_PORT_FILE"
# Word splitting wanted: the command may carry arguments (node <script>).
# shellcheck disable=SC2086
exec $PRISM_UI_SERVER_COMMAND
