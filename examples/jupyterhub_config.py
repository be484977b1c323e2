"""
JupyterHub with Prism as a hub service, for a whole hub (docs/jupyterhub.md).

    jupyterhub -f examples/jupyterhub_config.py

Users open http://127.0.0.1:8000/services/prism/ or the Prism panel in
JupyterLab; the hub signs them in, and Prism asks the hub who they are.
The authenticator and spawner here are for trying it on one machine; see the
"In production" notes beside them.
"""
import os
import shutil

c = get_config()  # noqa: F821 (JupyterHub provides it)

# In production: https (c.JupyterHub.ssl_cert / ssl_key, or TLS at a reverse
# proxy in front) on a public address.
c.JupyterHub.bind_url = 'http://127.0.0.1:8000'

# In production: a real authenticator (oauthenticator for GitHub/Google/Entra,
# ldapauthenticator, or the default PAMAuthenticator); DummyAuthenticator lets
# anyone listed sign in with one shared password.
c.JupyterHub.authenticator_class = 'dummy'
c.DummyAuthenticator.password = os.environ.get('HUB_DEMO_PASSWORD', 'change-me')
c.Authenticator.allowed_users = {'alice', 'bob', 'carol'}

# In production: SystemdSpawner, DockerSpawner or KubeSpawner; this one runs
# every user's JupyterLab as the hub's own account.
c.JupyterHub.spawner_class = 'simple'

# Members of this group are Prism admins (PRISM_HUB_ADMIN_GROUP), as are hub admins.
c.JupyterHub.load_groups = {'prism-admins': {'users': ['carol']}}

# Prism as a managed service: the hub starts it, gives it its token and OAuth
# client (JUPYTERHUB_* variables) and routes /services/prism/ to `url`.
prism_data = os.path.expanduser('~/.prism-hub')
c.JupyterHub.services = [
    {
        'name': 'prism',
        'url': 'http://127.0.0.1:8787',
        'command': [shutil.which('prism-server') or 'prism-server'],
        'environment': {
            # A managed service gets only what is listed here (and the hub's JUPYTERHUB_* variables).
            'PATH': os.environ['PATH'],
            'HOME': os.path.expanduser('~'),
            'PRISM_DATA_DIR': prism_data,
            # The AWS account Prism launches into: a profile, or the instance role on EC2.
            'AWS_PROFILE': os.environ.get('AWS_PROFILE', 'default'),
            'PRISM_REGION': os.environ.get('PRISM_REGION', 'us-east-1'),
        },
        # The hub signs users in to Prism without asking them to confirm each time.
        'oauth_no_confirm': True,
        # Listed on the hub's home page under Services.
        'display': True,
    },
]

c.JupyterHub.load_roles = [
    # Every user may reach Prism: their browser sign-ins and the tokens they make
    # with this scope (Token page) are let in. Without it Prism answers 403.
    {'name': 'user', 'scopes': ['self', 'access:services!service=prism']},
]
