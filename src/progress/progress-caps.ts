import { ValidationError } from '../lib/errors';
import { countSteps, MAX_ITEMS_PER_REQUEST, MAX_STEPS_PER_JOB, MAX_STEPS_PER_REQUEST } from '../jobs/step';

/**
 * Refuses a progress API body that adds more steps (at every depth together) or reports more items
 * than one request may, before it is walked or validated: each array's own limit would let nested
 * steps multiply (600 × 600 is 360,600 steps in under 5 MB).
 */
export function checkRequestCaps(body: unknown): void {
  const steps = listAt(body, 'steps');
  if (steps !== undefined && countSteps(steps, (step) => listAt(step, 'steps'), MAX_STEPS_PER_REQUEST) > MAX_STEPS_PER_REQUEST) {
    throw new ValidationError(
      'body.steps',
      `A request adds at most ${MAX_STEPS_PER_REQUEST} steps, at every depth together; add more in further requests (POST …/steps), up to ${MAX_STEPS_PER_JOB} a job.`,
    );
  }
  const failures = listAt(body, 'failures') ?? [];
  const items = failures.reduce<number>((sum, group) => sum + (listAt(group, 'items')?.length ?? 0), listAt(body, 'successes')?.length ?? 0);
  if (items > MAX_ITEMS_PER_REQUEST) {
    throw new ValidationError(
      'body',
      `A request reports at most ${MAX_ITEMS_PER_REQUEST} items, successes and failures together (this one ${items}); send the rest in further requests.`,
    );
  }
}

/** `value[key]` when value is an object and that is an array. */
function listAt(value: unknown, key: string): unknown[] | undefined {
  const inner = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(inner) ? inner : undefined;
}
