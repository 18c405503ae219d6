import type { z } from 'zod';
import { ValidationError } from '../lib/errors';
import { fieldPath } from '../lib/field-path';

/** Parses or throws a ValidationError naming the first offending field (answered as 400). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = fieldPath(issue.path) || what;
  throw new ValidationError(field, `${field}: ${issue.message}`);
}
