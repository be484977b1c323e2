"""The UI benchmark's JupyterLab: the UI tests' Galata defaults on port 8891,
serving the repository's build of the extension (PRISM_BENCH_LABEXTENSIONS,
see start-lab.sh) ahead of the copy installed in the venv."""

import os
from pathlib import Path

import jupyterlab.galata
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is given by Jupyter)
c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.port = 8891  # noqa: F821
c.ServerApp.port_retries = 0  # noqa: F821
# Galata's own helper extension stays on the path beside ours.
c.LabServerApp.extra_labextensions_path = [  # noqa: F821
    os.environ["PRISM_BENCH_LABEXTENSIONS"],
    str(Path(jupyterlab.galata.__file__).parent),
]
