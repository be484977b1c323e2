/**
 * /me/ssh-keys: the caller's SSH public keys, installed on every workstation
 * they may reach (docs/api.md, "Team SSH keys"); /users/:user/ssh-keys: a
 * Prism admin looks at someone's.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { TeamKeys } from '../../domain/team-keys';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const AddSshKeySchema = z.object({ publicKey: z.string().min(1).max(16_384) }).strict();

export function teamKeysRouter(keys: TeamKeys): Router {
  const router = Router();

  router.get('/me/ssh-keys', (_req, res) => {
    res.json(keys.listKeys(callerOf(res).user));
  });

  router.post('/me/ssh-keys', (req, res) => {
    const parsed = AddSshKeySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'SSH key');
    }
    const key = keys.addKey(callerOf(res).user, parsed.data.publicKey);
    res.status(201).location(`me/ssh-keys/${encodeURIComponent(key.fingerprint)}`).json(key);
  });

  router.delete('/me/ssh-keys/:fingerprint', (req, res) => {
    keys.removeKey(callerOf(res).user, req.params.fingerprint);
    res.status(204).end();
  });

  router.get('/users/:user/ssh-keys', (req, res) => {
    res.json(keys.keysOf(callerOf(res), req.params.user));
  });

  return router;
}
