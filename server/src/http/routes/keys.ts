/**
 * /keys: the caller's own SSH key. Rotate it; download its private key once
 * (the documented exception to "no secret leaves the service").
 */
import { Router } from 'express';
import type { OwnerKeys } from '../../domain/keys';
import { callerOf } from '../auth';

export function keysRouter(keys: OwnerKeys): Router {
  const router = Router();

  router.post('/keys/rotate', async (_req, res) => {
    res.json(await keys.rotateKey(callerOf(res).user));
  });

  router.get('/keys/private', async (_req, res) => {
    const { keyName, privateKey } = await keys.downloadPrivateKey(callerOf(res).user);
    res
      .set('Cache-Control', 'no-store')
      .attachment(`${keyName}.pem`)
      .type('text/plain')
      .send(privateKey);
  });

  return router;
}
