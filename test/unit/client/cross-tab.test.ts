/**
 * Two tabs = two clients on one `localStorage`-like area: with the Web Locks
 * API one refresh at a time, and the tab that waited uses the other's
 * tokens; `storage` events tell a tab what another one did.
 */
import {
  createAuthClient,
  DEFAULT_STORAGE_KEY,
  type WebStorageArea,
  webStorage,
} from '../../../client';
import { deferred, fakeApi, manualClock } from './fake-api';

const BASE = 'https://api.example.test/prod';
const alice = { username: 'alice', password: 'correct horse battery' };

type StorageListener = (event: {
  key: string | null;
  newValue: string | null;
  storageArea: unknown;
}) => void;

/**
 * One origin's shared values, seen by each tab through its own area object.
 * As in browsers, a write is announced to the other tabs only, and later:
 * the announcements wait in a queue until `deliver()`. `lagging`: as in
 * Chromium, each tab reads its own copy of the values, and another tab's
 * write reaches it only with the announcement.
 */
function sharedArea(options: { lagging?: boolean } = {}) {
  const tabs: Array<{
    area: WebStorageArea;
    values: Map<string, string>;
    listeners: Set<StorageListener>;
  }> = [];
  const common = new Map<string, string>();
  const queue: Array<() => void> = [];
  function announce(from: WebStorageArea, key: string, newValue: string | null) {
    for (const tab of tabs) {
      if (tab.area === from) continue;
      queue.push(() => {
        if (newValue === null) tab.values.delete(key);
        else tab.values.set(key, newValue);
      });
      for (const listener of tab.listeners) {
        queue.push(() => listener({ key, newValue, storageArea: tab.area }));
      }
    }
  }
  return {
    /** A new tab's area and the set its `storage` listeners go into. */
    openTab() {
      const values = options.lagging ? new Map(tabs[0]?.values) : common;
      const area: WebStorageArea = {
        getItem: (key) => values.get(key) ?? null,
        setItem(key, value) {
          values.set(key, value);
          announce(area, key, value);
        },
        removeItem(key) {
          values.delete(key);
          announce(area, key, null);
        },
      };
      const tab = { area, values, listeners: new Set<StorageListener>() };
      tabs.push(tab);
      return tab;
    },
    deliver() {
      for (const event of queue.splice(0)) event();
    },
  };
}

type LockCallback<T> = (lock: { name: string } | null) => Promise<T>;

/**
 * The Web Locks API: exclusive locks by name, granted in request order;
 * `ifAvailable` is answered at once, with `null` when the lock is held or
 * asked for.
 */
function fakeLocks() {
  const tails = new Map<string, Promise<unknown>>();
  const pending = new Map<string, number>();
  let requests = 0;
  return {
    get requests() {
      return requests;
    },
    request<T>(
      name: string,
      ...args: [LockCallback<T>] | [{ ifAvailable?: boolean }, LockCallback<T>]
    ): Promise<T> {
      requests += 1;
      const [options, callback] = args.length === 1 ? [{}, args[0]] : args;
      if (options.ifAvailable && (pending.get(name) ?? 0) > 0) {
        return Promise.resolve().then(() => callback(null));
      }
      pending.set(name, (pending.get(name) ?? 0) + 1);
      const granted = () => callback({ name });
      const run = (tails.get(name) ?? Promise.resolve())
        .then(granted, granted)
        .finally(() => pending.set(name, (pending.get(name) ?? 1) - 1));
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

const LOCK_NAME = `serverless-jwt-auth refresh ${DEFAULT_STORAGE_KEY}`;

const globals = globalThis as Record<string, unknown>;
let saved: Record<string, unknown>;

beforeEach(() => {
  saved = {
    navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'),
    addEventListener: globals.addEventListener,
    removeEventListener: globals.removeEventListener,
  };
});

afterEach(() => {
  const descriptor = saved.navigator as PropertyDescriptor | undefined;
  if (descriptor) Object.defineProperty(globalThis, 'navigator', descriptor);
  else delete globals.navigator;
  globals.addEventListener = saved.addEventListener;
  globals.removeEventListener = saved.removeEventListener;
});

/**
 * Two tabs of one browser, each with its own client and `storage` listeners.
 * `lagging`: writes reach the other tab as in Chromium, apart from the lock,
 * once the waiting tab lets time pass (sleeps).
 */
function twoTabs(options: { lagging?: boolean } = {}) {
  const locks = fakeLocks();
  Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  const shared = sharedArea(options);
  const api = fakeApi();
  const manual = manualClock();
  const time = options.lagging
    ? {
        ...manual,
        clock: {
          ...manual.clock,
          sleep: async (ms: number) => {
            await manual.clock.sleep(ms);
            shared.deliver();
          },
        },
      }
    : manual;
  const tab = () => {
    const { area, listeners } = shared.openTab();
    globals.addEventListener = (_type: string, listener: StorageListener) =>
      listeners.add(listener);
    globals.removeEventListener = (_type: string, listener: StorageListener) =>
      listeners.delete(listener);
    const client = createAuthClient({
      baseUrl: BASE,
      fetch: api.fetch,
      clock: time.clock,
      storage: webStorage(area, { shared: true }),
    });
    const events: string[] = [];
    client.on('session-changed', ({ source }) => events.push(`changed:${source}`));
    client.on('session-ended', ({ reason }) => events.push(`ended:${reason}`));
    return { client, events };
  };
  const first = tab();
  const second = tab();
  return { api, time, locks, first, second, deliver: shared.deliver, area: shared.openTab().area };
}

describe('across tabs', () => {
  it('refreshes once: the tab that waited for the lock uses the tokens the other stored', async () => {
    // The storage events are not delivered: the lock alone must do.
    const { api, time, locks, first, second } = twoTabs();
    await first.client.login(alice);
    time.advance(901_000);
    api.expireAccessTokens();

    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => first.client.me()),
      ...Array.from({ length: 5 }, () => second.client.me()),
    ]);

    expect(results.every((me) => me.username === 'alice')).toBe(true);
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    // Each tab's callers shared one flight: the tab that refreshed asked for
    // the lock once, the one that found it held asked again to wait for it.
    expect(locks.requests).toBe(3);
  });

  it('refreshes once when the new tokens reach the waiting tab only after the lock', async () => {
    // Chromium: the lock is released before the other tab's storage shows the write.
    const { api, time, first, second, deliver } = twoTabs({ lagging: true });
    await first.client.login(alice);
    deliver();
    time.advance(901_000);
    api.expireAccessTokens();
    const gate = api.holdRefresh();

    const fromFirst = first.client.me();
    while (api.count('POST', '/auth/refresh') === 0) await new Promise(setImmediate);
    const fromSecond = second.client.me();
    await new Promise(setImmediate);
    gate.resolve();

    await expect(Promise.all([fromFirst, fromSecond])).resolves.toMatchObject([
      { username: 'alice' },
      { username: 'alice' },
    ]);
    expect(api.count('POST', '/auth/refresh')).toBe(1);
  });

  it('refreshes itself when the tab that held the lock stored nothing, within a second', async () => {
    const { api, time, locks, first } = twoTabs({ lagging: true });
    await first.client.login(alice);
    time.advance(901_000);
    api.expireAccessTokens();
    // Another tab holds the lock and ends without new tokens (its refresh failed).
    const release = deferred();
    const held = locks.request(LOCK_NAME, {}, () => release.promise);

    const asked = first.client.me();
    await new Promise(setImmediate);
    release.resolve();
    await held;

    await expect(asked).resolves.toMatchObject({ username: 'alice' });
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    const waited = time.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThanOrEqual(1050);
  });

  it('tells the other tab about new tokens and about the end of the session', async () => {
    const { first, second, deliver } = twoTabs();
    await first.client.login(alice);
    deliver();
    expect(second.events).toEqual(['changed:other_tab']);

    await first.client.logout();
    deliver();
    expect(second.events).toEqual(['changed:other_tab', 'ended:other_tab']);
    await expect(second.client.isLoggedIn()).resolves.toBe(false);
    expect(first.events).toEqual(['changed:login', 'ended:logout']);
  });

  it('stops listening once disposed', async () => {
    const { first, second, deliver } = twoTabs();
    second.client.dispose();
    await first.client.login(alice);
    deliver();
    expect(second.events).toEqual([]);
  });

  it('drops a refresh that finishes after another tab logged in again, and uses that login', async () => {
    const { api, time, first, second, deliver, area } = twoTabs();
    await first.client.login(alice);
    time.advance(901_000);
    const gate = api.holdRefresh();

    const asked = second.client.me();
    while (api.count('POST', '/auth/refresh') === 0) await new Promise(setImmediate);
    await first.client.login(alice);
    const loggedIn = area.getItem(DEFAULT_STORAGE_KEY);
    deliver();
    gate.resolve();

    await expect(asked).resolves.toMatchObject({ username: 'alice' });
    // The refresh's pair was never stored; the second login's is.
    expect(area.getItem(DEFAULT_STORAGE_KEY)).toBe(loggedIn);
    expect(api.requests.at(-1)?.authorization).toBe(
      `Bearer ${JSON.parse(loggedIn ?? '{}').accessToken}`,
    );
  });
});
