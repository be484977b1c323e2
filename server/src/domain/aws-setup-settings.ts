/**
 * The profile and region chosen in the first-run wizard, kept in
 * PRISM_DATA_DIR/aws-settings.json and read at start. Environment variables
 * still win, so a deployment that sets them is never changed by a saved file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AwsSettings } from '../contract/aws-setup';
import type { AwsSettingsFile } from './aws-setup';

const FILE_NAME = 'aws-settings.json';

/** Variables that choose the credentials; any of them wins over a saved profile. */
const CREDENTIAL_VARIABLES = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID'];
/** Variables that choose the region; any of them wins over a saved region. */
const REGION_VARIABLES = ['PRISM_REGION', 'AWS_REGION'];

export function awsSettingsFile(dataDir: string): AwsSettingsFile & { read(): AwsSettings | null } {
  const file = path.join(dataDir, FILE_NAME);
  return {
    read() {
      try {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<AwsSettings>;
        return typeof parsed.profile === 'string' && typeof parsed.region === 'string'
          ? { profile: parsed.profile, region: parsed.region }
          : null;
      } catch {
        // Never saved (or unreadable): the environment and the SDK's chain decide, as before the wizard.
        return null;
      }
    },
    write(settings) {
      fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    }
  };
}

/** Which of the environment's variables override a saved choice. */
export function overridingVariables(env: NodeJS.ProcessEnv): string[] {
  return [...CREDENTIAL_VARIABLES, ...REGION_VARIABLES].filter(name => Boolean(env[name]?.trim()));
}

/**
 * The profile and region to start with: a saved choice where the environment
 * says nothing, else what the environment (and the SDK's chain) gives.
 */
export function startingChoice(
  saved: AwsSettings | null,
  env: NodeJS.ProcessEnv,
  regionFromEnvironment: string
): { profile: string | undefined; region: string } {
  const overriding = overridingVariables(env);
  const credentialsPinned = CREDENTIAL_VARIABLES.some(name => overriding.includes(name));
  const regionPinned = REGION_VARIABLES.some(name => overriding.includes(name));
  return {
    profile: credentialsPinned ? undefined : saved?.profile,
    region: regionPinned || !saved ? regionFromEnvironment : saved.region
  };
}
