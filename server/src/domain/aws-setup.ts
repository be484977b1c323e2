/**
 * The first-run set-up of Prism's AWS access (issue 4, item 8): list or create
 * a profile, check it with GetCallerIdentity, and switch the running service
 * to a profile and region. A choice is checked before the service switches,
 * so a wrong profile never replaces one that works.
 */
import type { AwsAccount, AwsProfile, AwsSettings, AwsSettingsApplied, NewAwsProfile } from '../contract/aws-setup';
import { PrismError } from './errors';

/** ~/.aws/config and ~/.aws/credentials, as the AWS CLI and SDK read them. */
export interface AwsProfileFiles {
  list(): Promise<AwsProfile[]>;
  /** Writes a new profile; the secret goes to the credentials file only. */
  create(profile: NewAwsProfile): Promise<void>;
  /** GetCallerIdentity with the profile's credentials in `region`; throws the PrismError AWS gave. */
  whoAmI(profile: string, region: string): Promise<AwsAccount>;
}

/** The choice kept across restarts (PRISM_DATA_DIR/aws-settings.json). */
export interface AwsSettingsFile {
  write(settings: AwsSettings): void;
}

export interface AwsSetupDeps {
  profiles: AwsProfileFiles;
  saved: AwsSettingsFile;
  /** Rebuilds the AWS clients for the choice, behind the Cloud the domain holds. */
  switchTo(settings: AwsSettings): void;
  /** Environment variables that win over a saved choice at start. */
  overriddenAtStartBy: string[];
}

/** Problems a researcher can fix in the wizard itself, so their hints point there rather than at a restart. */
const WIZARD_HINTS: Record<string, string> = {
  AWS_CREDENTIALS_INVALID:
    'AWS does not accept this profile’s access key: check the key id and secret (IAM console → Users → Security credentials), or create the profile again.',
  AWS_CREDENTIALS_MISSING:
    'This profile has no credentials Prism can use: create a profile with an access key, or for SSO run `aws sso login --profile <name>` first.'
};

export class AwsSetup {
  constructor(private readonly deps: AwsSetupDeps) {}

  listProfiles(): Promise<AwsProfile[]> {
    return this.deps.profiles.list();
  }

  async createProfile(profile: NewAwsProfile): Promise<AwsProfile> {
    const existing = await this.deps.profiles.list();
    if (existing.some(p => p.name === profile.name)) {
      throw new PrismError(
        'AWS_PROFILE_EXISTS',
        409,
        'That profile already exists',
        `There is already an AWS profile named '${profile.name}'.`,
        'Pick it from the list (and validate it), or choose another name; Prism never overwrites a profile.'
      );
    }
    await this.deps.profiles.create(profile);
    return { name: profile.name, region: profile.region, hasKeys: true, source: 'credentials' };
  }

  async validate(profile: string, region: string): Promise<AwsAccount> {
    const known = await this.deps.profiles.list();
    if (!known.some(p => p.name === profile)) {
      throw new PrismError(
        'AWS_PROFILE_NOT_FOUND',
        404,
        'No such AWS profile',
        `Neither ~/.aws/config nor ~/.aws/credentials has a profile named '${profile}'.`,
        'Pick a profile from the list, or create one with an access key.'
      );
    }
    try {
      return await this.deps.profiles.whoAmI(profile, region);
    } catch (error) {
      throw forTheWizard(error, profile);
    }
  }

  /** Checks the choice, then switches the running service to it and saves it for the next start. */
  async choose(settings: AwsSettings): Promise<AwsSettingsApplied> {
    const account = await this.validate(settings.profile, settings.region);
    this.deps.switchTo(settings);
    this.deps.saved.write(settings);
    return { ...settings, ...account, overriddenAtStartBy: this.deps.overriddenAtStartBy };
  }
}

function forTheWizard(error: unknown, profile: string): unknown {
  if (!(error instanceof PrismError)) return error;
  const hint = WIZARD_HINTS[error.code];
  if (!hint) return error;
  // 422: the request was understood, the profile it names does not work.
  return new PrismError(error.code, 422, error.title, `Profile '${profile}': ${error.detail}`, hint);
}
