/**
 * AWS profiles in the files the AWS CLI and SDK read: ~/.aws/config and
 * ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
 * Read with the SDK's own parser, so Prism lists exactly what the SDK will
 * use; a new profile is appended, never rewriting what the researcher wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import type { AwsAccount, AwsProfile, NewAwsProfile } from '../contract/aws-setup';
import type { AwsProfileFiles } from '../domain/aws-setup';
import { createAwsClients, destroyAwsClients } from './clients';
import { awsCall } from './errors';

/** Sections of ~/.aws/config that are not profiles (the SDK keys them `<kind>.<name>`). */
const NOT_PROFILES = /^(sso-session|services)\./;

export function awsProfileFiles(config: { awsEndpoint: string | undefined }, env: NodeJS.ProcessEnv = process.env): AwsProfileFiles {
  return {
    list: () => listProfiles(),
    create: profile => createProfile(profile, env),
    whoAmI: (profile, region) => whoAmI(profile, region, config.awsEndpoint)
  };
}

async function listProfiles(): Promise<AwsProfile[]> {
  // ignoreCache: the SDK caches the files' text; a profile written since must show, and its credentials load.
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const names = new Set([...Object.keys(configFile).filter(name => !NOT_PROFILES.test(name)), ...Object.keys(credentialsFile)]);
  return [...names].sort().map(name => {
    const config = configFile[name] ?? {};
    const credentials = credentialsFile[name];
    return {
      name,
      region: config.region ?? null,
      hasKeys: Boolean(credentials?.aws_access_key_id ?? config.aws_access_key_id),
      source: config.sso_session || config.sso_start_url ? 'sso' : credentials ? 'credentials' : 'config'
    };
  });
}

async function createProfile(profile: NewAwsProfile, env: NodeJS.ProcessEnv): Promise<void> {
  const { configPath, credentialsPath } = filePaths(env);
  appendSection(credentialsPath, profile.name, [
    `aws_access_key_id = ${profile.accessKeyId}`,
    `aws_secret_access_key = ${profile.secretAccessKey}`
  ]);
  // The config file names non-default profiles `[profile name]`, the credentials file `[name]`.
  appendSection(configPath, profile.name === 'default' ? 'default' : `profile ${profile.name}`, [`region = ${profile.region}`]);
  await loadSharedConfigFiles({ ignoreCache: true });
}

async function whoAmI(profile: string, region: string, awsEndpoint: string | undefined): Promise<AwsAccount> {
  // Refreshes the SDK's cached file text first, so a profile created a moment ago loads.
  await loadSharedConfigFiles({ ignoreCache: true });
  const clients = createAwsClients({ region, awsEndpoint, profile });
  try {
    const answer = await awsCall('sts:GetCallerIdentity', () => clients.sts.send(new GetCallerIdentityCommand({})));
    return { account: answer.Account ?? '', arn: answer.Arn ?? '', region };
  } finally {
    destroyAwsClients(clients);
  }
}

function filePaths(env: NodeJS.ProcessEnv): { configPath: string; credentialsPath: string } {
  const awsDir = path.join(getHomeDir(), '.aws');
  return {
    configPath: env.AWS_CONFIG_FILE || path.join(awsDir, 'config'),
    credentialsPath: env.AWS_SHARED_CREDENTIALS_FILE || path.join(awsDir, 'credentials')
  };
}

/** Both files may hold keys, so both are this user's alone (0600), as the AWS CLI makes them. */
function appendSection(file: string, header: string, lines: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const separator = before === '' ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  fs.appendFileSync(file, `${separator}[${header}]\n${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
