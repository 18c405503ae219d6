/** A zod issue's path as a field name: `items[2].fields`, `accounts[0].integrations[1].consumerSecret`. */
export function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}
