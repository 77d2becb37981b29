/**
 * Where the client keeps its tokens. Memory is the default and the safest: a
 * script injected into the page (XSS) can still use the tokens while the page
 * is open, but cannot read them out of storage to use them elsewhere later,
 * and nothing survives the tab. `sessionStorage` survives a reload of that
 * tab only; `localStorage` survives restarts and is shared by every tab of the
 * origin, so any XSS anywhere on the origin can steal a 30-day refresh token.
 * docs/client.md weighs them.
 */

/** What the client stores: the two tokens and when they expire, by this machine's clock. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds (local clock) at which the access token expires. */
  accessExpiresAt: number;
  /** The access token's lifetime in milliseconds, as the API announced it (`expires_in`). */
  accessLifetimeMs: number;
  /** Epoch milliseconds (local clock) at which the refresh token, and so the session, expires. */
  refreshExpiresAt: number;
}

/** A place to keep the session. Synchronous or asynchronous; the client awaits both. */
export interface TokenStorage {
  /** The session, or `null` when nobody is logged in (or the stored value is unreadable). */
  load(): StoredSession | null | Promise<StoredSession | null>;
  /** Stores `session`; `null` forgets it. */
  save(session: StoredSession | null): void | Promise<void>;
  /**
   * A name shared by every tab that sees this storage: when set (and the Web
   * Locks API exists), refreshes are serialized across tabs under it.
   */
  readonly sharedName?: string;
  /** Calls `listener` when another tab changes the stored session; returns an unsubscribe function. */
  watch?(listener: (session: StoredSession | null) => void): () => void;
}

/** Tokens in this object only: gone with the page (or process). The default. */
export function memoryStorage(): TokenStorage {
  let current: StoredSession | null = null;
  return {
    load: () => current,
    save: (session) => {
      current = session;
    },
  };
}

/** The part of the Web Storage API the adapters use (`window.localStorage` and `sessionStorage` have it). */
export interface WebStorageArea {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The default key of the web storage adapters. */
export const DEFAULT_STORAGE_KEY = 'serverless-jwt-auth.session';

function isSession(value: unknown): value is StoredSession {
  const session = value as Partial<StoredSession> | null;
  return (
    typeof session === 'object' &&
    session !== null &&
    typeof session.accessToken === 'string' &&
    typeof session.refreshToken === 'string' &&
    typeof session.accessExpiresAt === 'number' &&
    typeof session.accessLifetimeMs === 'number' &&
    typeof session.refreshExpiresAt === 'number'
  );
}

/** Parses a stored value; anything unreadable counts as no session. */
export function parseStoredSession(raw: string | null): StoredSession | null {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isSession(value) ? value : null;
  } catch {
    return null;
  }
}

interface StorageEventLike {
  key: string | null;
  newValue: string | null;
  storageArea: unknown;
}

interface EventSource {
  addEventListener(type: 'storage', listener: (event: StorageEventLike) => void): void;
  removeEventListener(type: 'storage', listener: (event: StorageEventLike) => void): void;
}

/**
 * A Web Storage adapter. `shared`: the area is seen by other tabs
 * (`localStorage`), so refreshes are coordinated across tabs and their
 * results shared through `storage` events.
 */
export function webStorage(
  area: WebStorageArea,
  options: { key?: string; shared?: boolean } = {},
): TokenStorage {
  const key = options.key ?? DEFAULT_STORAGE_KEY;
  const events = (globalThis as { addEventListener?: unknown }).addEventListener
    ? (globalThis as unknown as EventSource)
    : undefined;
  return {
    load: () => parseStoredSession(area.getItem(key)),
    save: (session) => {
      if (session === null) area.removeItem(key);
      else area.setItem(key, JSON.stringify(session));
    },
    ...(options.shared ? { sharedName: key } : {}),
    ...(options.shared && events
      ? {
          watch(listener) {
            const onStorage = (event: StorageEventLike) => {
              // key null: the other tab called clear().
              if (event.storageArea !== area || (event.key !== key && event.key !== null)) return;
              listener(parseStoredSession(event.key === null ? null : event.newValue));
            };
            events.addEventListener('storage', onStorage);
            return () => events.removeEventListener('storage', onStorage);
          },
        }
      : {}),
  };
}

function browserArea(name: 'localStorage' | 'sessionStorage'): WebStorageArea {
  const area = (globalThis as Record<string, unknown>)[name] as WebStorageArea | undefined;
  if (!area) throw new Error(`${name} is not available here (a browser is needed).`);
  return area;
}

/**
 * `window.localStorage`: survives restarts, shared by every tab of the origin
 * (one refresh at a time across tabs). The riskiest place against XSS.
 */
export function localStorageAdapter(key?: string): TokenStorage {
  return webStorage(browserArea('localStorage'), { ...(key ? { key } : {}), shared: true });
}

/** `window.sessionStorage`: this tab only, survives a reload, gone when the tab closes. */
export function sessionStorageAdapter(key?: string): TokenStorage {
  return webStorage(browserArea('sessionStorage'), key ? { key } : {});
}
