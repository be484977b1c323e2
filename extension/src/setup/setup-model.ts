/**
 * The first-run wizard's state: which step, the profiles, the researcher's
 * choice, the check's answer. It talks to the service through the Prism
 * model's request seam; the secret typed in is sent once, when the profile
 * is created, and then forgotten here.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type {
  AwsAccount,
  AwsProfile,
  AwsSettingsApplied,
  NewAwsProfile
} from '../../../server/src/contract/aws-setup';
import { problemOf } from '../api';
import type { IPrismModel, Problem } from '../tokens';

export type SetupStep = 'profile' | 'validate' | 'region';

/** What the researcher types to create a profile. */
export type NewProfileDraft = NewAwsProfile;

const FALLBACK_REGION = 'us-east-1';

export class SetupModel {
  constructor(private readonly _prism: IPrismModel) {}

  get changed(): ISignal<SetupModel, void> {
    return this._changed;
  }

  step: SetupStep = 'profile';
  profiles: AwsProfile[] | null = null;
  /** The profile picked from the list; null while creating a new one. */
  picked: string | null = null;
  /** True while the researcher fills in a new profile instead of picking one. */
  creating = false;
  draft: NewProfileDraft = { name: '', accessKeyId: '', secretAccessKey: '', region: '' };
  busy = false;
  account: AwsAccount | null = null;
  problem: Problem | null = null;
  region = FALLBACK_REGION;

  /** The region Prism works in now (GET /health), preselected in step 3. */
  get currentRegion(): string {
    return this._prism.cloud?.region ?? FALLBACK_REGION;
  }

  /** The profile the next steps are about. */
  get profile(): string | null {
    return this.creating ? this.draft.name.trim() || null : this.picked;
  }

  async loadProfiles(): Promise<void> {
    await this._run(async () => {
      this.profiles = await this._prism.api.request<AwsProfile[]>('aws/profiles');
      this.picked ??= this.profiles[0]?.name ?? null;
      this.creating = this.profiles.length === 0;
      this.draft.region ||= this.currentRegion;
    });
  }

  pick(name: string): void {
    this.picked = name;
    this.creating = false;
    this._update();
  }

  startCreating(): void {
    this.creating = true;
    this._update();
  }

  editDraft(change: Partial<NewProfileDraft>): void {
    this.draft = { ...this.draft, ...change };
    this._update();
  }

  /** Step 1 → 2: create the profile when asked to, then check it. */
  async next(): Promise<void> {
    if (this.creating) {
      const created = await this._run(async () => {
        const draft = { ...this.draft, name: this.draft.name.trim(), accessKeyId: this.draft.accessKeyId.trim() };
        const profile = await this._prism.api.request<AwsProfile>('aws/profiles', {
          method: 'POST',
          body: JSON.stringify(draft)
        });
        this.profiles = [...(this.profiles ?? []), profile].sort((a, b) => a.name.localeCompare(b.name));
        this.picked = profile.name;
        this.creating = false;
        // The service has it now; nothing here keeps the secret.
        this.draft = { name: '', accessKeyId: '', secretAccessKey: '', region: profile.region ?? this.currentRegion };
      });
      if (!created) {
        return;
      }
    }
    const profile = this.profiles?.find(p => p.name === this.picked);
    this.region = profile?.region ?? this.currentRegion;
    this.step = 'validate';
    this.account = null;
    this._update();
    await this.validate();
  }

  /** GetCallerIdentity with the picked profile, in its region. */
  async validate(): Promise<void> {
    this.account = null;
    await this._run(async () => {
      this.account = await this._prism.api.request<AwsAccount>('aws/profiles/validate', {
        method: 'POST',
        body: JSON.stringify({ profile: this.picked, region: this.region })
      });
    });
  }

  goTo(step: SetupStep): void {
    this.step = step;
    this.problem = null;
    this._update();
  }

  chooseRegion(region: string): void {
    this.region = region;
    this._update();
  }

  /**
   * Switch the service to the choice, then reload the panel's templates,
   * workstations and health.
   *
   * @returns whether the service took it; otherwise `problem` says why.
   */
  async finish(): Promise<boolean> {
    const applied = await this._run(async () => {
      await this._prism.api.request<AwsSettingsApplied>('aws/settings', {
        method: 'PUT',
        body: JSON.stringify({ profile: this.picked, region: this.region })
      });
    });
    if (applied) {
      await this._prism.refresh();
    }
    return applied;
  }

  /** Runs one request with the spinner on; a failure becomes `problem`. */
  private async _run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    this._update();
    try {
      await work();
      return true;
    } catch (reason) {
      this.problem = problemOf(reason);
      return false;
    } finally {
      this.busy = false;
      this._update();
    }
  }

  private _update(): void {
    this._changed.emit();
  }

  private _changed = new Signal<SetupModel, void>(this);
}
