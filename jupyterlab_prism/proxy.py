"""The jupyter-server-proxy entry that starts the Prism service for this
Jupyter server and proxies it at ``<base_url>prism/``, so the extension
finds it with no configuration."""

import os
import secrets
import shutil

# One token per Jupyter server process: only the proxy knows it, so only
# requests that passed Jupyter's own auth reach the service.
_TOKEN = secrets.token_urlsafe(32)


def _prism_server_command():
    configured = os.environ.get("PRISM_SERVER_COMMAND", "").strip()
    if configured:
        return configured.split()
    found = shutil.which("prism-server")
    if found is None:
        raise FileNotFoundError(
            "The 'prism-server' command is not on PATH: install Prism's service, "
            "or set PRISM_SERVER_COMMAND to the command that starts it."
        )
    return [found]


def setup_prism_server():
    """Describe the Prism service to jupyter-server-proxy."""
    return {
        # A callable, so a missing command is reported when the service is
        # first asked for, not when Jupyter starts.
        "command": _prism_server_command,
        "environment": {
            "PRISM_PORT": "{port}",
            "PRISM_HOST": "127.0.0.1",
            "PRISM_BASE_URL": "/",
            "PRISM_TOKEN": _TOKEN,
        },
        "absolute_url": False,
        "timeout": 60,
        # Applied by the proxy to HTTP requests and to the websocket handshake.
        "request_headers_override": {"Authorization": f"Bearer {_TOKEN}"},
        "launcher_entry": {"enabled": False},
    }
