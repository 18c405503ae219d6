import { PgCluster, type ClusterOptions } from './cluster';
import { ServiceProcess } from './service-process';
import { addCustomers, DEMO_ACCOUNT, jobIdOf } from './soap-calls';

/**
 * A test file's cluster and service: made in beforeAll, and in afterAll the service killed and the
 * cluster destroyed, whether the tests passed or not. Its fields are set once beforeAll has run.
 */
export interface Rig {
  cluster: PgCluster;
  service: ServiceProcess;
}

export interface RigOptions {
  cluster?: ClusterOptions;
  /** Settings of the service beyond the suite's quick-worker ones. */
  env?: Record<string, string>;
  /** The demo account's concurrentRequests limit (the load's clients must not block each other). */
  concurrentRequests?: number;
}

export function faultRig(options: RigOptions = {}): Rig {
  const rig = {} as Rig;
  beforeAll(async () => {
    rig.cluster = await PgCluster.create(options.cluster);
    rig.service = await ServiceProcess.start(rig.cluster, options.env);
    await rig.service.admin('PATCH', `/accounts/${DEMO_ACCOUNT}`, { limits: { concurrentRequests: options.concurrentRequests ?? 20 } });
  }, 180_000);
  afterAll(async () => {
    await rig.service?.kill('SIGKILL');
    await rig.cluster?.destroy();
  }, 120_000);
  return rig;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Recovery {
  /** Seconds until /readyz answered 200, or null within the bound. */
  readySeconds: number | null;
  /** Seconds until a new submit was answered with a job, or null within the bound. */
  submitSeconds: number | null;
  /** The last answer a submit got, when none succeeded. */
  lastSubmit?: string;
}

/** How long until the service is ready again and takes a submit, tried for `boundMs` (no restart); its records are not the load's. */
export async function recovery(service: ServiceProcess, prefix: string, boundMs = 30_000): Promise<Recovery> {
  const since = Date.now();
  const deadline = since + boundMs;
  const result: Recovery = { readySeconds: null, submitSeconds: null };
  for (let attempt = 1; Date.now() < deadline && (result.readySeconds === null || result.submitSeconds === null); attempt++) {
    if (result.readySeconds === null && (await service.probe('/readyz', 5_000)) === 200) result.readySeconds = (Date.now() - since) / 1000;
    if (result.submitSeconds === null) {
      const submitted = await addCustomers(service.url, [`recovery-${prefix}-${attempt}`], { timeoutMs: 15_000 });
      if (jobIdOf(submitted)) result.submitSeconds = (Date.now() - since) / 1000;
      else result.lastSubmit = `${submitted.outcome} ${submitted.httpStatus} ${submitted.faultCode ?? submitted.error ?? ''}`;
    }
    await sleep(500);
  }
  return result;
}
