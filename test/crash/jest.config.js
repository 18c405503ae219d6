/**
 * Crash suite: a SOAP server and separate worker processes on a real Postgres server, with workers
 * SIGKILLed mid-job. Needs DATABASE_URL (an admin connection: the suite creates and drops its own
 * database). Run with `DATABASE_URL=postgres://… npm run test:crash` (serially: it owns child processes).
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/crash/**/*.test.ts'],
  testTimeout: 180000,
};
