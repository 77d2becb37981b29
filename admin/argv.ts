/**
 * The admin CLI's command line: positionals and a fixed set of long options.
 * A value follows its option (`--stack Prod`) or is stuck to it
 * (`--stack=Prod`); the one option whose value is optional, `--local`, takes
 * it stuck only (`--local=DIR`), as git does for optional values, so
 * `--local users show alice` never reads `users` as a folder. `--` ends the
 * options (a username starting with `-`).
 */
import { UsageError } from './target';

export const OPTIONS = {
  help: { kind: 'flag' },
  json: { kind: 'flag' },
  all: { kind: 'flag' },
  stdin: { kind: 'flag' },
  'keep-sessions': { kind: 'flag' },
  verified: { kind: 'flag' },
  reason: { kind: 'value' },
  limit: { kind: 'value' },
  stack: { kind: 'value' },
  region: { kind: 'value' },
  profile: { kind: 'value' },
  local: { kind: 'optional' },
} as const satisfies Record<string, { kind: 'flag' | 'value' | 'optional' }>;

export type OptionName = keyof typeof OPTIONS;

export interface ParsedArgs {
  positionals: string[];
  /** `true` for a flag (or `--local` without a value), else the value. */
  options: Partial<Record<OptionName, string | true>>;
}

function optionNamed(name: string): OptionName {
  if (!Object.hasOwn(OPTIONS, name)) throw new UsageError(`Unknown option --${name}.`);
  return name as OptionName;
}

/** Splits `argv` (without node and the script) into positionals and options. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  let index = 0;
  const set = (name: OptionName, value: string | true) => {
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice.`);
    options[name] = value;
  };
  while (index < argv.length) {
    const token = argv[index++] as string;
    if (token === '--') {
      positionals.push(...argv.slice(index));
      break;
    }
    if (token === '-h') {
      set('help', true);
      continue;
    }
    if (!token.startsWith('--')) {
      if (token.startsWith('-') && token.length > 1) {
        throw new UsageError(`Unknown option ${token}.`);
      }
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = optionNamed(equals === -1 ? token.slice(2) : token.slice(2, equals));
    const stuck = equals === -1 ? undefined : token.slice(equals + 1);
    const { kind } = OPTIONS[name];
    if (kind === 'flag') {
      if (stuck !== undefined) throw new UsageError(`--${name} takes no value.`);
      set(name, true);
    } else if (kind === 'optional') {
      if (stuck === '') throw new UsageError(`--${name}= needs a value after the =.`);
      set(name, stuck ?? true);
    } else {
      const value = stuck ?? argv[index++];
      if (value === undefined || value === '' || (stuck === undefined && value.startsWith('--'))) {
        throw new UsageError(`--${name} needs a value.`);
      }
      set(name, value);
    }
  }
  return { positionals, options };
}
