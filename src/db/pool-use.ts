import type { Knex } from 'knex';
import type { PoolUse } from '../jobs/gauges';
import { hotPoolUse } from './hot-query';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** Connections of knex's pool and, on a Postgres server, of the hot statements' pool, right now. */
export function poolUse(db: Knex): PoolUse[] {
  const pools: PoolUse[] = [];
  const knexPool = (db.client as { pool?: TarnPool }).pool;
  if (knexPool) pools.push({ pool: 'knex', used: knexPool.numUsed(), free: knexPool.numFree(), pending: knexPool.numPendingAcquires() });
  const hot = hotPoolUse(db);
  if (hot) pools.push({ pool: 'hot', used: hot.total - hot.idle, free: hot.idle, pending: hot.waiting });
  return pools;
}
