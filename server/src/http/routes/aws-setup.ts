/**
 * The first-run wizard's routes (admins only: they change the AWS account the
 * whole service works in). GET/POST /aws/profiles, POST /aws/profiles/validate,
 * PUT /aws/settings. The secret access key comes in once and is never echoed.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AwsSetup } from '../../domain/aws-setup';
import { PrismError } from '../../domain/errors';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

// Names and values become INI lines: no brackets, spaces or line breaks can get in.
const profileName = z.string().regex(/^[A-Za-z0-9_.+@-]{1,64}$/, 'letters, digits and _ . + @ - only');
// AWS puts the region in host names, whose parts have at most 63 characters.
const region = z.string().max(63).regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'a region such as eu-west-1');

export const NewProfileSchema = z
  .object({
    name: profileName,
    accessKeyId: z.string().regex(/^[A-Za-z0-9]{16,128}$/, 'an access key id such as AKIA… (letters and digits)'),
    secretAccessKey: z.string().regex(/^[A-Za-z0-9/+=]{16,128}$/, 'the secret access key shown once when the key was made'),
    region
  })
  .strict();

export const ChoiceSchema = z.object({ profile: profileName, region }).strict();

/** `switched`: called after the service moved to another profile or region (GET /health forgets its cached answer). */
export function awsSetupRouter(setup: AwsSetup, switched: () => void): Router {
  const router = Router();
  router.get('/aws/profiles', async (_req, res) => {
    requireAdmin(res);
    res.json(await setup.listProfiles());
  });
  router.post('/aws/profiles', async (req, res) => {
    requireAdmin(res);
    const parsed = NewProfileSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'new AWS profile');
    res.status(201).json(await setup.createProfile(parsed.data));
  });
  router.post('/aws/profiles/validate', async (req, res) => {
    requireAdmin(res);
    const parsed = ChoiceSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'profile check');
    res.json(await setup.validate(parsed.data.profile, parsed.data.region));
  });
  router.put('/aws/settings', async (req, res) => {
    requireAdmin(res);
    const parsed = ChoiceSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'AWS settings');
    const applied = await setup.choose(parsed.data);
    switched();
    res.json(applied);
  });
  return router;
}

function requireAdmin(res: Response): void {
  if (!callerOf(res).roles.includes('admin')) {
    throw new PrismError(
      'FORBIDDEN',
      403,
      'Not allowed',
      'Setting up the AWS account Prism works in needs the admin role.',
      'Ask a Prism admin to set up AWS; standalone Prism makes you its admin.'
    );
  }
}
