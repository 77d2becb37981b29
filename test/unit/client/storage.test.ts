/** The storage adapters: what they keep, and what they make of a damaged value. */
import {
  DEFAULT_STORAGE_KEY,
  localStorageAdapter,
  memoryStorage,
  type StoredSession,
  sessionStorageAdapter,
  type WebStorageArea,
  webStorage,
} from '../../../client';

const session: StoredSession = {
  accessToken: 'a',
  refreshToken: 'r',
  accessExpiresAt: 2,
  accessLifetimeMs: 1,
  refreshExpiresAt: 3,
};

function area(): WebStorageArea & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

it('memory keeps the session in the object only', () => {
  const one = memoryStorage();
  one.save(session);
  expect(one.load()).toEqual(session);
  expect(memoryStorage().load()).toBeNull();
  one.save(null);
  expect(one.load()).toBeNull();
});

it('web storage keeps it as JSON under its key, and removes it', () => {
  const shelf = area();
  const storage = webStorage(shelf);
  storage.save(session);
  expect(JSON.parse(shelf.values.get(DEFAULT_STORAGE_KEY) ?? '')).toEqual(session);
  expect(webStorage(shelf).load()).toEqual(session);
  storage.save(null);
  expect(shelf.values.size).toBe(0);
});

it('reads a damaged or foreign value as no session', () => {
  const shelf = area();
  for (const value of ['not json', '{"accessToken":1}', 'null', '[]']) {
    shelf.values.set('k', value);
    expect(webStorage(shelf, { key: 'k' }).load()).toBeNull();
  }
});

it('only a shared area coordinates tabs', () => {
  expect(webStorage(area()).sharedName).toBeUndefined();
  expect(webStorage(area(), { shared: true, key: 'k' }).sharedName).toBe('k');
});

it('says clearly that the browser adapters need a browser', () => {
  expect(() => localStorageAdapter()).toThrow('localStorage is not available here');
  expect(() => sessionStorageAdapter()).toThrow('sessionStorage is not available here');
});
