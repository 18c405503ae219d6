import { ValidationError } from './errors';

/** A zod issue's path as a field name: `items[2].fields`, `accounts[0].integrations[1].consumerSecret`. */
export function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** Runs `check`, naming a ValidationError's field within `prefix`: `items` in `jobs[0]` is `jobs[0].items`. */
export function fieldsWithin<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prefix}.${error.field}`, `${prefix}.${error.message}`);
    throw error;
  }
}
