"""Prism: launch, watch and manage cloud research workstations from JupyterLab."""

try:
    from ._version import __version__
except ImportError:
    # A source checkout that was never built has no _version.py yet.
    import warnings

    warnings.warn("Importing 'jupyterlab_prism' outside a proper installation.", stacklevel=2)
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-prism"}]
