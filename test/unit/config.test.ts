import { ConfigError, loadConfig } from '../../src/compose/config';

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 8080,
      // Loopback: the demo credentials are published.
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      JOB_RETENTION_DAYS: 30,
      MAX_RESULT_CALLS: 20,
      WORKER: true,
    });
  });

  it('stops on a bad value with a message naming the variable and what to set', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a whole number from 0 to 65535 \(got "eighty"\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres: or postgresql:\/\/ URL/);
    expect(() => loadConfig({ WORKER: 'maybe' })).toThrow(/WORKER must be on or off/);
    expect(() => loadConfig({ JOB_RETENTION_DAYS: '-1' })).toThrow(/JOB_RETENTION_DAYS must be a number of at least 0.001/);
  });

  it('reports every bad value at once', () => {
    try {
      loadConfig({ PORT: '99999', MAX_RESULT_CALLS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});
