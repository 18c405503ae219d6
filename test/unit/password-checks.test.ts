import { PasswordChecks } from '../../src/accounts/password-checks';
import { hashPassword } from '../../src/accounts/token-passport';

/** Password checks run a few at a time, a few more wait, the rest are refused at once. */

function controlledChecks() {
  const started: Array<{ password: string; finish: (matches: boolean) => void; fail: (error: Error) => void }> = [];
  const check = (password: string) =>
    new Promise<boolean>((resolve, reject) => {
      started.push({ password, finish: resolve, fail: reject });
    });
  return { started, checks: new PasswordChecks({ atOnce: 2, waiting: 2 }, check) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

it('runs at most atOnce checks, lines up `waiting` more and refuses the rest without checking them', async () => {
  const { started, checks } = controlledChecks();
  const answers = ['a', 'b', 'c', 'd', 'e', 'f'].map((password) => checks.matches(password, 'stored'));
  await turn();
  expect(started.map((check) => check.password)).toEqual(['a', 'b']);
  await expect(answers[4]).resolves.toBeUndefined();
  await expect(answers[5]).resolves.toBeUndefined();

  started[0].finish(true);
  await expect(answers[0]).resolves.toBe(true);
  await turn();
  expect(started.map((check) => check.password)).toEqual(['a', 'b', 'c']);
  started[1].fail(new Error('scrypt failed'));
  await expect(answers[1]).rejects.toThrow('scrypt failed');
  await turn();
  expect(started.map((check) => check.password)).toEqual(['a', 'b', 'c', 'd']);
  started[2].finish(false);
  started[3].finish(false);
  await expect(Promise.all(answers.slice(2, 4))).resolves.toEqual([false, false]);

  // Every place is free again.
  const again = ['g', 'h'].map((password) => checks.matches(password, 'stored'));
  await turn();
  expect(started.map((check) => check.password).slice(4)).toEqual(['g', 'h']);
  for (const check of started.slice(4)) check.finish(true);
  await expect(Promise.all(again)).resolves.toEqual([true, true]);
});

it('checks a password against a stored hash on the threadpool', async () => {
  const stored = hashPassword('right');
  const checks = new PasswordChecks();
  expect(await checks.matches('right', stored)).toBe(true);
  expect(await checks.matches('wrong', stored)).toBe(false);
});
