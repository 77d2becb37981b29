/**
 * The one parser of settings: a raw value (an environment variable's string,
 * or a CDK context value, which `cdk.json` may give as a number, a boolean or
 * a list) checked against its declaration in a registry (`settings.ts`). A
 * bad value throws a {@link ConfigError} of one sentence naming the variable
 * or context key. Plain code only: this module is bundled into the Lambdas.
 */

export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

interface Declared {
  /** The environment variable that carries the setting to the functions or the local server. */
  env?: string;
  /** The CDK context key (`-c key=value`, `cdk.json`) of a setting the stack reads. */
  context?: string;
}

export type Setting = Declared &
  (
    | { type: 'int'; default?: number; min: number; max: number; allowed?: readonly number[] }
    | { type: 'number'; default?: number; min: number; max: number }
    | { type: 'bool'; default?: boolean }
    | { type: 'string'; default?: string; pattern?: RegExp; shape?: string }
    | { type: 'choice'; default?: string; choices: readonly string[] }
    /** Comma-separated in a variable or `-c`, a list in `cdk.json`; `''` is the empty list. */
    | {
        type: 'list';
        default?: readonly string[];
        pattern?: RegExp;
        shape?: string;
        /** A repeated item is an error rather than dropped. */
        distinct?: boolean;
        maxItems?: number;
      }
    /** Browser origins as the `Origin` header sends them, or `*` alone. */
    | { type: 'origins' }
    /**
     * A JSON object of names to lists of names (role → scopes): an object in
     * `cdk.json`, JSON text in a variable or `-c`. Lists come back sorted.
     */
    | {
        type: 'nameMap';
        pattern: RegExp;
        shape: string;
        /** Distinct names over all the lists. */
        maxValues: number;
        /** Characters of the whole object as JSON: it travels in a variable. */
        maxLength: number;
      }
    | { type: 'url' }
  );

export type Registry = Record<string, Setting>;

/** Where a value came from, for the error message. */
export type Source = 'env' | 'context';

/** The value a declaration parses to. */
export type ValueOf<S extends Setting> = S['type'] extends 'int' | 'number'
  ? number
  : S['type'] extends 'bool'
    ? boolean
    : S['type'] extends 'list' | 'origins'
      ? string[]
      : S['type'] extends 'nameMap'
        ? Record<string, string[]>
        : S extends { choices: readonly (infer C)[] }
          ? C
          : string;

/** Each setting's value, `undefined` where it is unset and has no default. */
export type Values<R extends Registry> = {
  [K in keyof R]: R[K] extends { default: unknown } ? ValueOf<R[K]> : ValueOf<R[K]> | undefined;
};

function show(raw: unknown): string {
  return JSON.stringify(raw) ?? String(raw);
}

/**
 * Whether `origin` is one a browser sends (scheme, host, port; no path) over
 * https, or plain http on this machine: tokens travel in these calls.
 */
function isAllowedOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return (
      url.origin === origin && (url.protocol === 'https:' || (url.protocol === 'http:' && local))
    );
  } catch {
    return false;
  }
}

function items(raw: unknown, fail: (what: string) => never): string[] {
  const list = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(list)) return fail('must be a comma-separated string or a list');
  return list.map((item) => {
    if (typeof item !== 'string') return fail(`holds an item that is no string: ${show(item)}`);
    return item.trim();
  });
}

/**
 * Parses one raw value against its declaration; `undefined` (or blank) is
 * the default. Throws a {@link ConfigError} naming the variable or key.
 */
export function parseSetting(setting: Setting, raw: unknown, source: Source): unknown {
  const fail = (what: string): never => {
    const name =
      source === 'env' ? `Environment variable ${setting.env}` : `Context "${setting.context}"`;
    throw new ConfigError(`${name} ${what}.`);
  };
  const got = `, got ${show(raw)}`;
  if (raw === undefined || raw === null) return 'default' in setting ? setting.default : undefined;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  if (text === '' && setting.type !== 'list' && setting.type !== 'origins') {
    return 'default' in setting ? setting.default : setting.type === 'nameMap' ? {} : undefined;
  }
  switch (setting.type) {
    case 'int':
    case 'number': {
      const value = typeof text === 'string' ? Number(text) : text;
      const whole = setting.type === 'int';
      const range = `from ${setting.min} to ${setting.max}`;
      if (
        typeof value !== 'number' ||
        (whole ? !Number.isSafeInteger(value) : Number.isNaN(value))
      ) {
        return fail(`must be ${whole ? 'an integer' : 'a number'} ${range}${got}`);
      }
      if (value < setting.min || value > setting.max) return fail(`must be ${range}${got}`);
      if (setting.type === 'int' && setting.allowed && !setting.allowed.includes(value)) {
        return fail(`must be one of ${setting.allowed.join(', ')}${got}`);
      }
      return value;
    }
    case 'bool': {
      const value = typeof text === 'string' ? text.toLowerCase() : text;
      if (value === true || value === 'true' || value === '1') return true;
      if (value === false || value === 'false' || value === '0') return false;
      return fail(`must be true or false${got}`);
    }
    case 'string': {
      if (typeof text !== 'string') return fail(`must be a string${got}`);
      if (setting.pattern && !setting.pattern.test(text)) {
        return fail(`must be ${setting.shape ?? `like ${setting.pattern}`}${got}`);
      }
      return text;
    }
    case 'choice': {
      const value = typeof text === 'string' ? text : '';
      const choice = setting.choices.find((one) => one.toLowerCase() === value.toLowerCase());
      return choice ?? fail(`must be one of ${setting.choices.join(', ')}${got}`);
    }
    case 'url': {
      try {
        if (/^https?:$/.test(new URL(String(text)).protocol)) return text;
      } catch {}
      return fail(`must be an http(s) URL${got}`);
    }
    case 'list': {
      const all = text === '' ? [] : items(text, fail);
      // A blank item is a stray comma, unless the items have a shape to meet.
      const values = setting.pattern ? all : all.filter((value) => value !== '');
      const bad = values.find((value) => setting.pattern && !setting.pattern.test(value));
      if (bad !== undefined) {
        fail(`must list ${setting.shape ?? `items like ${setting.pattern}`}, got ${show(bad)}`);
      }
      const unique = [...new Set(values)];
      if (setting.distinct && unique.length !== values.length) fail(`names an item twice${got}`);
      if (setting.maxItems !== undefined && unique.length > setting.maxItems) {
        fail(`lists ${unique.length} items; at most ${setting.maxItems}`);
      }
      return unique;
    }
    case 'nameMap': {
      let map: unknown = text;
      try {
        if (typeof text === 'string') map = JSON.parse(text);
      } catch {}
      if (Object(map) !== map || Array.isArray(map)) {
        return fail(`must be a JSON object of names to lists of names${got}`);
      }
      // Each key, and each list, is checked as a list setting of the same shape.
      const list = { ...setting, type: 'list' } as Setting;
      const names = (value: unknown) => parseSetting(list, value, source) as string[];
      const parsed = Object.fromEntries(
        Object.entries(map as object).map(([key, value]) => {
          names([key]);
          return [key, names(Array.isArray(value) ? value : 0).sort()];
        }),
      );
      if (
        new Set(Object.values(parsed).flat()).size > setting.maxValues ||
        JSON.stringify(parsed).length > setting.maxLength
      ) {
        fail(`names more than ${setting.maxValues} items, or is longer than ${setting.maxLength}`);
      }
      return parsed;
    }
    case 'origins': {
      const values = text === '' ? [] : items(text, fail).filter((value) => value !== '');
      if (values.includes('*') && values.length > 1) {
        fail('holds "*", which cannot be combined with other origins');
      }
      const bad = values.find((origin) => origin !== '*' && !isAllowedOrigin(origin));
      if (bad !== undefined) {
        fail(
          `holds ${show(bad)}, not a bare https origin like "https://app.example.com" (http only for localhost)`,
        );
      }
      return [...new Set(values)];
    }
  }
}

/** Reads every setting of `registry` that `source` can carry, from `read` (a variable or context lookup). */
export function parseSettings<R extends Registry>(
  registry: R,
  source: Source,
  read: (name: string) => unknown,
): Values<R> {
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(registry)) {
    const key = source === 'env' ? setting.env : setting.context;
    values[name] = parseSetting(setting, key === undefined ? undefined : read(key), source);
  }
  return values as Values<R>;
}

/** {@link parseSettings} from environment variables. */
export function settingsFromEnv<R extends Registry>(
  registry: R,
  env: Record<string, string | undefined>,
): Values<R> {
  return parseSettings(registry, 'env', (name) => env[name]);
}

/** The variable names of a registry, by setting name. */
export function envNames<R extends Registry>(
  registry: R,
): { [K in keyof R]: R[K] extends { env: infer E } ? E : never } {
  return Object.fromEntries(
    Object.entries(registry).map(([name, setting]) => [name, setting.env]),
  ) as { [K in keyof R]: R[K] extends { env: infer E } ? E : never };
}
