/**
 * The AWS set-up the first-run wizard drives: profiles from the files the AWS
 * CLI and SDK read, a credential check, and the profile and region the service
 * works with. Part of API v1 (docs/api.md, "AWS set-up"). Secret keys go in
 * (POST /aws/profiles) and never come back out.
 */

/** Where a profile's credentials come from. */
export type AwsProfileSource = 'config' | 'credentials' | 'sso';

export interface AwsProfile {
  name: string;
  /** `region =` in ~/.aws/config; null when the profile names none. */
  region: string | null;
  /** Whether an access key is stored for it (never the key itself). */
  hasKeys: boolean;
  source: AwsProfileSource;
}

/** POST /aws/profiles: a new profile with an access key, written to ~/.aws/credentials (0600) and ~/.aws/config. */
export interface NewAwsProfile {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Who a profile is on AWS (GetCallerIdentity), in `region`. */
export interface AwsAccount {
  account: string;
  arn: string;
  region: string;
}

/** PUT /aws/settings: the profile and region the service works with from now on. */
export interface AwsSettings {
  profile: string;
  region: string;
}

/** The answer to PUT /aws/settings. */
export interface AwsSettingsApplied extends AwsSettings, AwsAccount {
  /**
   * Environment variables that win over the saved choice at the next start
   * (AWS_PROFILE, AWS_ACCESS_KEY_ID, PRISM_REGION, AWS_REGION); empty when none.
   */
  overriddenAtStartBy: string[];
}
