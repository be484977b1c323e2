import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsSettingsFile, overridingVariables, startingChoice } from './aws-setup-settings';

const SAVED = { profile: 'research', region: 'eu-west-1' };

describe('the AWS choice at start', () => {
  it('uses the profile and region saved by the wizard when the environment names neither', () => {
    expect(startingChoice(SAVED, {}, 'us-east-1')).toEqual({ profile: 'research', region: 'eu-west-1' });
  });

  it('lets AWS_PROFILE or AWS_ACCESS_KEY_ID win over the saved profile, keeping the saved region', () => {
    expect(startingChoice(SAVED, { AWS_PROFILE: 'ops' }, 'us-east-1')).toEqual({ profile: undefined, region: 'eu-west-1' });
    expect(startingChoice(SAVED, { AWS_ACCESS_KEY_ID: 'AKIA' }, 'us-east-1')).toEqual({ profile: undefined, region: 'eu-west-1' });
  });

  it('lets PRISM_REGION or AWS_REGION win over the saved region', () => {
    expect(startingChoice(SAVED, { PRISM_REGION: 'us-west-2' }, 'us-west-2')).toEqual({ profile: 'research', region: 'us-west-2' });
    expect(startingChoice(SAVED, { AWS_REGION: 'us-west-2' }, 'us-west-2')).toEqual({ profile: 'research', region: 'us-west-2' });
  });

  it('without a saved choice, starts as before the wizard: the standard chain and the configured region', () => {
    expect(startingChoice(null, {}, 'ap-south-1')).toEqual({ profile: undefined, region: 'ap-south-1' });
  });

  it('names the variables that override a saved choice, ignoring empty ones', () => {
    expect(overridingVariables({ AWS_PROFILE: 'ops', PRISM_REGION: ' ', AWS_REGION: 'eu-west-1' })).toEqual(['AWS_PROFILE', 'AWS_REGION']);
  });
});

describe('aws-settings.json', () => {
  it('reads back what was written, and nothing when it was never written or is not a choice', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-settings-'));
    const file = awsSettingsFile(dir);
    expect(file.read()).toBeNull();
    file.write(SAVED);
    expect(file.read()).toEqual(SAVED);
    fs.writeFileSync(path.join(dir, 'aws-settings.json'), '{"profile": 3}');
    expect(file.read()).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
