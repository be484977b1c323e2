"""Jupyter server configuration for the UI tests (Galata's test defaults:
no token, no xsrf check, temporary root and workspaces)."""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is given by Jupyter)
# CI containers often run as root; Jupyter refuses that unless told.
c.ServerApp.allow_root = True  # noqa: F821
# Off the demo's 8888, so `make test` runs beside a running `make demo`.
c.ServerApp.port = 8890  # noqa: F821
c.ServerApp.port_retries = 0  # noqa: F821
