import type { TranslationBundle } from '@jupyterlab/translation';

import type { ProjectRole } from '../../../server/src/contract/projects';

/** A project role in the researcher's language. */
export function roleText(role: ProjectRole, trans: TranslationBundle): string {
  switch (role) {
    case 'admin':
      return trans.__('admin');
    case 'member':
      return trans.__('member');
    case 'viewer':
      return trans.__('viewer');
  }
}
