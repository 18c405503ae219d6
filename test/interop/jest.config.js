/**
 * Interop suites: real SOAP clients (node-soap, Python zeep, PHP SoapClient) generated from the
 * served WSDL, against the whole service with its worker running on the real clock.
 * Run with `npm run test:interop` (serially: each suite starts its own service and child processes).
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/interop/**/*.test.ts'],
  testTimeout: 120000,
};
