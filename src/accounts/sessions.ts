import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock';
import { HeldLeases } from '../lib/held-leases';

/**
 * Sessions, as SuiteTalk had them up to 2020_1: login(passport) opens one and answers its id in a
 * JSESSIONID cookie; requests that carry the cookie and no credentials act for its user; logout
 * ends it, and so does idleness. One request at a time may run against a session.
 */

export interface SessionUser {
  account: string;
  email: string;
  role: number;
}

export interface Session extends SessionUser {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
}

/** What a session id stands for now: live (and just used), ended by logout, idle too long, or unknown. */
export type SessionLookup = { kind: 'live'; session: Session } | { kind: 'ended' } | { kind: 'expired' } | { kind: 'unknown' };

export interface SessionStore {
  createSession(session: Session): Promise<void>;
  /** Marks a live session used at `now`; a session last used before `idleSince` has expired. */
  useSession(id: string, now: Date, idleSince: Date): Promise<SessionLookup>;
  /** Ends a live session; false when there was none. */
  endSession(id: string, now: Date): Promise<boolean>;
  /** Holds the session for one request (`holder`), for `leaseSeconds` unless renewed; false when another holds it. */
  occupy(id: string, holder: string, leaseSeconds: number): Promise<boolean>;
  /** Extends these holds (session id and holder) by `leaseSeconds` from now. */
  renew(holds: Array<{ id: string; holder: string }>, leaseSeconds: number): Promise<void>;
  /** Frees the session if `holder` still holds it. */
  vacate(id: string, holder: string): Promise<void>;
}

export interface SessionSettings {
  /** Idle time after which a session has timed out. */
  idleSeconds: number;
  /**
   * How long a request's hold on its session outlives its last renewal: renewed while the request
   * runs, so a crashed process's hold, or one whose release failed, ends within this time.
   */
  leaseSeconds: number;
  /** Hears of a hold that could not be released or renewed (it is tried again, and runs out by itself). */
  onError?: (error: unknown) => void;
}

interface Hold {
  id: string;
  holder: string;
}

/** Session ids are long and random, as JSESSIONIDs are: guessing one is not a way in. */
const newSessionId = () => randomBytes(24).toString('base64url');

export class Sessions {
  private readonly holds: HeldLeases<Hold>;

  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {
    this.holds = new HeldLeases<Hold>(
      {
        renew: (holds) => store.renew(holds, settings.leaseSeconds),
        vacate: (hold) => store.vacate(hold.id, hold.holder),
      },
      settings.leaseSeconds,
      (error) => settings.onError?.(error),
    );
  }

  async open(user: SessionUser): Promise<Session> {
    const now = this.clock.now();
    const session: Session = { ...user, id: newSessionId(), createdAt: now, lastUsedAt: now };
    await this.store.createSession(session);
    return session;
  }

  /** The session as of now, marked used when live. */
  use(id: string): Promise<SessionLookup> {
    const now = this.clock.now();
    return this.store.useSession(id, now, new Date(now.getTime() - this.settings.idleSeconds * 1000));
  }

  end(id: string): Promise<boolean> {
    return this.store.endSession(id, this.clock.now());
  }

  /** Holds the session for the request under way; answers the release, or null when it is busy. */
  async occupy(id: string): Promise<(() => Promise<void>) | null> {
    const hold: Hold = { id, holder: randomBytes(12).toString('base64url') };
    if (!(await this.store.occupy(id, hold.holder, this.settings.leaseSeconds))) return null;
    this.holds.hold(hold);
    let released: Promise<void> | undefined;
    return () => (released ??= this.holds.release(hold));
  }

  /** Stops renewing holds (the service is stopping: its requests are done). */
  close(): void {
    this.holds.close();
  }
}
