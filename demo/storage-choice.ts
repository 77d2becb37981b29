/**
 * Where the demo page keeps its tokens, from `?storage=`: `memory` (the
 * default), `session` or `local`. Any other value, including the names of
 * Object's own properties (`constructor`, `__proto__`), means the default.
 */
import {
  localStorageAdapter,
  memoryStorage,
  sessionStorageAdapter,
  type TokenStorage,
} from '../client';

export interface StorageChoice {
  label: string;
  make: () => TokenStorage;
}

const MEMORY: StorageChoice = { label: 'in memory', make: memoryStorage };

const CHOICES = new Map<string, StorageChoice>([
  ['memory', MEMORY],
  ['session', { label: 'in sessionStorage', make: () => sessionStorageAdapter() }],
  ['local', { label: 'in localStorage (shared by tabs)', make: () => localStorageAdapter() }],
]);

/** The storage `search` (a location's query string) asks for; memory when it names none known. */
export function storageChoice(search: string): StorageChoice {
  return CHOICES.get(new URLSearchParams(search).get('storage') ?? '') ?? MEMORY;
}
