/** The jest config of a suite of its own (npm run test:<name>): one folder under test/. */
module.exports = (name, testTimeout) => ({
  rootDir: require('node:path').resolve(__dirname, '..'),
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testTimeout,
  // The migrations run once per run, into a template each file's database is copied from.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
});
