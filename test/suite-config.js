/** The jest config of a suite of its own (npm run test:<name>): one folder under test/. */
module.exports = (name, testTimeout) => ({
  rootDir: require('node:path').resolve(__dirname, '..'),
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testTimeout,
});
