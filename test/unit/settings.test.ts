/**
 * The settings registry is the one declaration of every setting: the stack
 * and the functions enforce the same bound, and the settings tables of the
 * docs name exactly the registered settings, with their defaults and bounds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../lambdas/config';
import { EMAIL_SETTINGS } from '../../lambdas/contract/email-settings';
import type { Setting } from '../../lambdas/contract/setting-values';
import { FUNCTION_SETTINGS } from '../../lambdas/contract/settings';
import { TABLES, tableEnvironment } from '../../lambdas/contract/tables';
import {
  CONTEXT_SETTINGS,
  functionEnvironment,
  readStackConfig,
  StackConfigError,
} from '../../lib/config';
import { LOCAL_EMAIL_FROM } from '../../local/handler-env';
import { LOCAL_SETTINGS } from '../../local/settings';

const ROOT = join(__dirname, '..', '..');

interface Row {
  names: string[];
  defaults: string[];
  meaning: string;
}

/** The rows of the table in `file` whose header starts with `| first | default |`. */
function settingsTable(file: string, first: string): Row[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${first} | default |`));
  expect(start).toBeGreaterThan(-1);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [names = '', defaults = '', meaning = ''] = line.split(' | ');
    const quoted = (cell: string) =>
      [...cell.matchAll(/`([^`]*)`/g)].map((match) => match[1] ?? '');
    rows.push({ names: quoted(names), defaults: quoted(defaults), meaning });
  }
  return rows;
}

/** How a default reads in a docs table. */
function shown(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** `min … max` as the docs write a range, digits plain or grouped by commas. */
function range(setting: Setting): RegExp | undefined {
  if (setting.type !== 'int' && setting.type !== 'number') return undefined;
  if (setting.type === 'int' && setting.allowed) return undefined;
  const number = (n: number) => `(?:${n}|${n.toLocaleString('en-US')})`;
  return new RegExp(`(?<![\\d,])${number(setting.min)} … ${number(setting.max)}(?!\\d|,\\d)`);
}

/** Each documented name with its row, and the default documented for it. */
function documented(rows: Row[]): Map<string, { row: Row; default?: string }> {
  const byName = new Map<string, { row: Row; default?: string }>();
  for (const row of rows) {
    row.names.forEach((name, index) => {
      const value = row.names.length === row.defaults.length ? row.defaults[index] : undefined;
      byName.set(name, { row, ...(value !== undefined ? { default: value } : {}) });
    });
  }
  return byName;
}

function expectDocumented(
  table: Map<string, { row: Row; default?: string }>,
  settings: [string, Setting][],
): void {
  for (const [name, setting] of settings) {
    const entry = table.get(name);
    expect({ name, documented: entry !== undefined }).toEqual({ name, documented: true });
    if (!entry) continue;
    if ('default' in setting && setting.default !== undefined && entry.default !== undefined) {
      expect({ name, default: entry.default }).toEqual({ name, default: shown(setting.default) });
    }
    const bounds = range(setting);
    if (bounds && entry.row.names.length === 1) {
      expect({ name, meaning: entry.row.meaning }).toEqual({
        name,
        meaning: expect.stringMatching(bounds),
      });
    }
  }
}

describe('docs/deploy.md, context options', () => {
  const table = documented(settingsTable('docs/deploy.md', 'key'));
  const settings = Object.values(CONTEXT_SETTINGS).map((s): [string, Setting] => [s.context, s]);

  it('documents every context key with its default and bounds', () => {
    expectDocumented(table, settings);
  });

  it('documents no key the stack does not read', () => {
    const known = new Set(settings.map(([name]) => name));
    expect([...table.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('docs/local-mode.md, variables', () => {
  const table = documented(settingsTable('docs/local-mode.md', 'variable'));
  /** Function settings that are no knob of local mode, and why. */
  const notLocal: Partial<Record<keyof typeof FUNCTION_SETTINGS, string>> = {
    kmsKeyId: 'AWS only: local mode signs with a key in DATA_DIR',
    refreshTokenKeyId: 'AWS only: local mode keeps the key in DATA_DIR',
    totpKeyId: 'AWS only: local mode keeps the key in DATA_DIR',
    envelopeKeyId: 'AWS only: envelope mode (context signingMode)',
    privateKeyCiphertext: 'AWS only: envelope mode (context signingMode)',
    publicKeys: 'set by npm start from LOCAL_SIGNING_KEYS',
    currentKid: 'set by npm start from LOCAL_SIGNING_KEYS',
    localKeyDir: 'set by npm start: DATA_DIR',
    localKeyFile: 'set by npm start from LOCAL_SIGNING_KEYS',
    introspectionAuthMethod: 'set by npm start: INTROSPECTION_SECRET',
    serviceName: 'Powertools; docs/operations.md',
    logLevel: 'Powertools; docs/operations.md',
    logDebugSampleRate: 'Powertools; docs/operations.md',
    metricsNamespace: 'Powertools; docs/operations.md',
  };
  /** E-mail settings that are no knob of local mode, and why. */
  const emailNotLocal: Partial<Record<keyof typeof EMAIL_SETTINGS, string>> = {
    emailConfigurationSet: 'AWS only: SES',
    emailOutboxDir: 'set by npm start: DATA_DIR/outbox',
  };
  // Local mode gives these defaults of its own (a local sender, the demo page).
  const localDefaults: Record<string, unknown> = {
    emailFrom: LOCAL_EMAIL_FROM,
    emailLinkBaseUrl: 'http://127.0.0.1:PORT/',
  };
  const settings: [string, Setting][] = [
    ...Object.entries(LOCAL_SETTINGS),
    ...Object.entries(FUNCTION_SETTINGS).filter(([name]) => !(name in notLocal)),
    ...Object.entries(EMAIL_SETTINGS)
      .filter(([name]) => !(name in emailNotLocal))
      .map(([name, s]): [string, Setting] =>
        name in localDefaults
          ? [name, { ...s, default: localDefaults[name] } as Setting]
          : [name, s],
      ),
  ].map(([, s]) => [s.env as string, s]);

  it('documents every variable of local mode with its default and bounds', () => {
    expectDocumented(table, settings);
  });

  it('documents every table variable with the local table name', () => {
    for (const table_ of Object.values(TABLES)) {
      expect(table.get(table_.envVar)?.default).toBe(table_.logicalName);
    }
  });

  it('documents no variable nothing reads', () => {
    const known = new Set([
      ...settings.map(([name]) => name),
      ...Object.values(TABLES).map((t) => t.envVar),
    ]);
    expect([...table.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('one bound per setting', () => {
  const env = { ...tableEnvironment(), SIGNING_KEY_DIR: '/keys' };
  const bounded = Object.entries(FUNCTION_SETTINGS).flatMap(([name, setting]) =>
    'context' in setting && setting.type === 'int' ? [[name, setting] as const] : [],
  );

  it.each(bounded)('%s: the functions and the stack refuse the same values', (_name, setting) => {
    for (const value of [setting.min - 1, setting.max + 1]) {
      expect(() => loadConfig({ ...env, [setting.env]: String(value) })).toThrow(ConfigError);
      expect(() => readStackConfig((key) => (key === setting.context ? value : undefined))).toThrow(
        StackConfigError,
      );
    }
  });

  it.each(bounded)('%s: the functions and the stack accept the same bounds', (name, setting) => {
    // The access lifetime's bound is also bounded by the refresh lifetime's.
    const others = name === 'refreshTokenTtlSeconds' ? { accessTokenTtlSeconds: 1 } : {};
    for (const value of [setting.min, setting.max]) {
      const context: Record<string, unknown> = { ...others, [setting.context]: value };
      expect(() => readStackConfig((key) => context[key])).not.toThrow();
      const variables: Record<string, string> = { ...env, [setting.env]: String(value) };
      if (name === 'refreshTokenTtlSeconds') variables.ACCESS_TOKEN_TTL_SECONDS = '1';
      expect(() => loadConfig(variables)).not.toThrow();
    }
  });
});

describe('every function setting is parsed at cold start', () => {
  const env = { ...tableEnvironment(), SIGNING_KEY_DIR: '/keys' };
  const BAD: Partial<Record<Setting['type'], string>> = {
    int: 'soon',
    number: 'half',
    bool: 'maybe',
    choice: 'nope',
    url: 'localhost:8000',
    origins: 'app.example.com',
    nameMap: '{"editor": "notes:write"}',
  };
  const cases = Object.values(FUNCTION_SETTINGS).flatMap((setting) => {
    // A role name may hold "/" and ".", never a space.
    const badItem = setting.type === 'list' ? 'no such role' : 'no/such.key';
    const bad = BAD[setting.type] ?? ('pattern' in setting ? badItem : undefined);
    return bad === undefined ? [] : [[setting.env, bad] as const];
  });

  it.each(cases)('%s=%p fails the instance with one sentence naming it', (variable, bad) => {
    expect(() => loadConfig({ ...env, [variable]: bad })).toThrow(
      new RegExp(`^Environment variable ${variable} [^.]*(\\.[^ ][^.]*)*\\.$`),
    );
  });

  it('covers the password hashing cost, once read on the first password request', () => {
    expect(cases.map(([variable]) => variable)).toContain('PASSWORD_SCRYPT_LOG2_N');
  });
});

describe('the role mapping (ROLES, context roles)', () => {
  const env = { ...tableEnvironment(), SIGNING_KEY_DIR: '/keys' };
  const roles = (value: unknown) => readStackConfig((key) => (key === 'roles' ? value : undefined));

  it('reads a JSON object from the variable and an object from cdk.json alike, lists sorted and distinct', () => {
    const mapping = { editor: ['notes:write', 'notes:read', 'notes:read'], guest: [] };
    const expected = { editor: ['notes:read', 'notes:write'], guest: [] };

    expect(loadConfig({ ...env, ROLES: JSON.stringify(mapping) }).roles.scopes).toEqual(expected);
    expect(roles(mapping).roles).toEqual(expected);
    expect(roles(JSON.stringify(mapping)).roles).toEqual(expected);
  });

  it.each([
    ['not JSON', '{editor: notes:write}'],
    ['an array', '[["editor", ["notes:write"]]]'],
    ['a role mapped to a string', '{"editor": "notes:write"}'],
    ['a scope with a space', '{"editor": ["notes write"]}'],
    ['a role with a comma', '{"a,b": []}'],
    ['a name of 33 characters', `{"editor": ["${'x'.repeat(33)}"]}`],
    [
      'more than 30 distinct scopes',
      JSON.stringify({ big: Array.from({ length: 31 }, (_, i) => `s${i}`) }),
    ],
  ])('refuses %s, naming the variable and the key', (_, value) => {
    expect(() => loadConfig({ ...env, ROLES: value })).toThrow(/^Environment variable ROLES /);
    expect(() => roles(value)).toThrow(/^Context "roles" /);
  });

  it('hands the functions the mapping as JSON, and nothing when it is empty', () => {
    const withRoles = functionEnvironment(roles({ editor: ['notes:write'] }));
    const without = functionEnvironment(roles(undefined));

    expect(JSON.parse(withRoles.ROLES as string)).toEqual({ editor: ['notes:write'] });
    expect(without).not.toHaveProperty('ROLES');
  });
});
