import { PgCluster } from './cluster';

let cluster: PgCluster;
afterAll(() => cluster?.destroy());

it('makes, restarts, freezes and thaws a cluster of its own', async () => {
  cluster = await PgCluster.create({ maxConnections: 12 });
  expect(await cluster.query('select 1 as one')).toEqual([{ one: 1 }]);
  await cluster.restart();
  expect(await cluster.query('show max_connections')).toEqual([{ max_connections: '12' }]);
  const held = await cluster.connect();
  const pids = await cluster.freeze();
  expect(pids.length).toBeGreaterThan(3);
  const late = held.query('select 2 as two');
  const outcome = await Promise.race([late.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1500))]);
  expect(outcome).toBe('waiting');
  cluster.thaw();
  expect((await late).rows).toEqual([{ two: 2 }]);
  await held.end();
  expect((await cluster.psql('select 3')).stdout.trim()).toBe('3');
});
