/**
 * Runs every step in order, each even if one before it failed (a database already gone must not
 * leave a timer running), then throws the first failure.
 */
export async function stopAll(steps: Array<() => unknown>): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
