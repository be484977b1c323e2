import { ConfigError, parseConfig, type HubSettings } from '../config';
import { PrismError } from '../domain/errors';
import { callerOf } from './hub-identity';

const HUB_ENV = {
  JUPYTERHUB_API_TOKEN: 'service-token',
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api/',
  JUPYTERHUB_SERVICE_NAME: 'prism',
  JUPYTERHUB_SERVICE_PREFIX: '/services/prism',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
  JUPYTERHUB_CLIENT_ID: 'service-prism',
  JUPYTERHUB_OAUTH_CALLBACK_URL: '/services/prism/oauth_callback',
  JUPYTERHUB_OAUTH_ACCESS_SCOPES: '["access:services!service=prism"]',
  JUPYTERHUB_BASE_URL: '/jhub/'
};

describe('hub settings from what JupyterHub gives a managed service', () => {
  it('runs as a hub service when the hub gave it a token: its prefix, its address, the authorize URL under the hub base', () => {
    const config = parseConfig(HUB_ENV);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 10101, baseUrl: '/services/prism/', trustProxy: ['loopback'] });
    expect(config.hub).toEqual({
      apiUrl: 'http://127.0.0.1:8081/hub/api',
      apiToken: 'service-token',
      serviceName: 'prism',
      clientId: 'service-prism',
      callbackUrl: '/services/prism/oauth_callback',
      accessScopes: ['access:services!service=prism'],
      authorizeUrl: '/jhub/hub/api/oauth2/authorize',
      adminGroup: 'prism-admins'
    });
  });

  it('stays standalone when told to, when no hub token is given, and inside a user’s own server (a hub token, no service name)', () => {
    expect(parseConfig({ ...HUB_ENV, PRISM_IDENTITY: 'token' })).toMatchObject({ hub: undefined, baseUrl: '/', port: 8787 });
    expect(parseConfig({}).hub).toBeUndefined();
    const singleUser = { ...HUB_ENV, JUPYTERHUB_SERVICE_NAME: undefined, JUPYTERHUB_USER: 'ada', JUPYTERHUB_SERVICE_PREFIX: '/user/ada/' };
    expect(parseConfig({ ...singleUser, PRISM_BASE_URL: '/' })).toMatchObject({ hub: undefined, baseUrl: '/' });
    expect(parseConfig({ ...singleUser, PRISM_IDENTITY: 'hub' }).hub).toMatchObject({ serviceName: 'prism' });
  });

  it('refuses to start as a hub service without the hub API, naming the variable', () => {
    expect(() => parseConfig({ PRISM_IDENTITY: 'hub', JUPYTERHUB_API_TOKEN: 'x' })).toThrow(ConfigError);
    expect(() => parseConfig({ PRISM_IDENTITY: 'hub', JUPYTERHUB_API_TOKEN: 'x' })).toThrow(/JUPYTERHUB_API_URL: needed as a JupyterHub service/);
    expect(() => parseConfig({ ...HUB_ENV, JUPYTERHUB_OAUTH_ACCESS_SCOPES: 'access:services' })).toThrow(/JUPYTERHUB_OAUTH_ACCESS_SCOPES: must be a JSON list/);
  });
});

describe('a hub user as a Prism caller', () => {
  const hub = parseConfig({ ...HUB_ENV, PRISM_HUB_ADMIN_GROUP: 'research-it' }).hub as HubSettings;
  const access = ['access:services!service=prism', 'read:users:name!user=ada'];

  it('is an admin by the configured group or as a hub admin, else a user', () => {
    expect(callerOf({ name: 'ada', kind: 'user', groups: ['research-it'], admin: false, scopes: access }, hub)).toEqual({ user: 'ada', roles: ['admin'], projects: [] });
    expect(callerOf({ name: 'ada', kind: 'user', groups: [], admin: true, scopes: access }, hub)).toEqual({ user: 'ada', roles: ['admin'], projects: [] });
    expect(callerOf({ name: 'bob', kind: 'user', groups: ['prism-admins'], admin: false, scopes: ['access:services'] }, hub)).toEqual({ user: 'bob', roles: ['user'], projects: [] });
  });

  it('is refused, with the scope to ask for, when the token may not reach this service', () => {
    for (const scopes of [['read:users:name!user=ada'], ['access:services!service=other']]) {
      const refused = callerOf({ name: 'ada', kind: 'user', scopes }, hub) as PrismError;
      expect(refused).toBeInstanceOf(PrismError);
      expect(refused).toMatchObject({ code: 'HUB_SCOPE_MISSING', status: 403 });
      expect(refused.hint).toContain('access:services!service=prism');
    }
    expect(callerOf({ name: 'cull-idle', kind: 'service', scopes: ['access:services'] }, hub)).toMatchObject({ code: 'HUB_USER_REQUIRED', status: 403 });
  });
});
