import type { PoolUse } from '../jobs/gauges';
import type { Database } from './database';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** Connections of knex's pool and, on a Postgres server, of the hot statements' pool, right now. */
export function poolUse(db: Database): PoolUse[] {
  const pools: PoolUse[] = [];
  const knexPool = (db.knex.client as { pool?: TarnPool }).pool;
  if (knexPool) pools.push({ pool: 'knex', used: knexPool.numUsed(), free: knexPool.numFree(), pending: knexPool.numPendingAcquires() });
  const hot = db.hot;
  if (hot) pools.push({ pool: 'hot', used: hot.totalCount - hot.idleCount, free: hot.idleCount, pending: hot.waitingCount });
  return pools;
}
