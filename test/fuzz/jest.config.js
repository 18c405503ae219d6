/** The fuzz suite: mutated envelopes against a running server (npm run test:fuzz). */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'],
  testTimeout: 300000,
};
