/**
 * /projects/:id/budget: a monthly budget in USD with an optional hard stop
 * (project admins set it; anyone in the project reads it with this month's figures).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Budgets } from '../../domain/budgets';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const BudgetSchema = z
  .object({
    monthlyUsd: z.number().min(0.01).max(10_000_000),
    hardStop: z.boolean(),
    graceMinutes: z.number().min(0).max(24 * 60).optional()
  })
  .strict();

export function budgetsRouter(budgets: Budgets): Router {
  const router = Router();

  router.get('/projects/:id/budget', (req, res) => {
    res.json(budgets.budgetOf(callerOf(res).user, req.params.id));
  });

  router.put('/projects/:id/budget', async (req, res) => {
    const parsed = BudgetSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'budget');
    const status = budgets.setBudget(callerOf(res).user, req.params.id, parsed.data);
    // Thresholds the new figures already reach notify now, not at the next minute's check.
    await budgets.evaluate(req.params.id);
    res.json(budgets.budgetOf(callerOf(res).user, status.project));
  });

  return router;
}
