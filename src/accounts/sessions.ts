import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';

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
  /** Holds the session for one request (`holder`), for at most `leaseSeconds`; false when another holds it. */
  occupy(id: string, holder: string, leaseSeconds: number): Promise<boolean>;
  /** Frees the session if `holder` still holds it. */
  vacate(id: string, holder: string): Promise<void>;
}

export interface SessionSettings {
  /** Idle time after which a session has timed out. */
  idleSeconds: number;
  /** Hears of a hold that could not be released (it then runs out by itself). */
  onError?: (error: unknown) => void;
}

/**
 * Longest a request may hold its session: past it (a crashed process), the session is free again.
 * Longer than any request may take here: the longest emulated response delay plus the longest
 * injected one (600 s each).
 */
const BUSY_LEASE_SECONDS = 1300;

/** Session ids are long and random, as JSESSIONIDs are: guessing one is not a way in. */
const newSessionId = () => randomBytes(24).toString('base64url');

export class Sessions {
  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

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
    const holder = randomBytes(12).toString('base64url');
    if (!(await this.store.occupy(id, holder, BUSY_LEASE_SECONDS))) return null;
    let released: Promise<void> | undefined;
    return () => (released ??= this.store.vacate(id, holder).catch((error: unknown) => this.settings.onError?.(error)));
  }
}
