/**
 * The admin CLI: `npm run admin -- <group> <command> [arguments] <target>`.
 * A thin adapter: it parses the command line, opens the target (local data
 * or a deployed stack), calls one domain function of `lambdas/auth/admin.ts`
 * and prints its result, as text for people or as one JSON document
 * (`--json`) for scripts. Results go to stdout; errors, the progress line and
 * the audit log lines go to stderr.
 *
 * Exit codes: 0 done, 1 failed (unknown user, store unreachable, AWS
 * refused…), 2 the command line is wrong.
 */
import { resolve } from 'node:path';
import {
  type AdminDeps,
  disableUser,
  enableUser,
  grantRole,
  type LockoutState,
  listAudit,
  listRoles,
  listUserSessions,
  type MfaOverview,
  resetMfa,
  resetPassword,
  revokeRole,
  revokeUserSessions,
  showRevocation,
  showUser,
  type UserRoles,
  unlockUser,
} from '../lambdas/auth/admin';
import { setUserEmail } from '../lambdas/auth/admin-email';
import type { Env } from '../lambdas/config';
import { AuthError, InvalidRequestError } from '../lambdas/errors';
import { type OptionName, type ParsedArgs, parseArgs } from './argv';
import { AdminError, type OpenTarget, type Target, type TargetSpec, UsageError } from './target';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** What the CLI reads and writes; tests pass strings and buffers. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (`--stdin`). */
  readStdin(): Promise<string>;
  /** Whether stderr is a terminal: the progress line then rewrites itself in place. */
  interactive: boolean;
  env: Env;
  cwd: string;
}

interface Output {
  /** The `--json` document. */
  json: unknown;
  /** The text for people, one or more lines. */
  text: string;
}

interface Context {
  target: Target;
  args: string[];
  options: ParsedArgs['options'];
  io: CliIo;
  onProgress: (done: number, total: number) => void;
}

interface Command {
  group: string;
  name: string;
  args: string[];
  /** Options of this command besides the target and `--json`. */
  options: OptionName[];
  summary: string;
  details: string;
  run(context: Context): Promise<Output>;
}

/** The help line of each command-specific option. */
const OPTION_HELP: Partial<Record<OptionName, string>> = {
  reason:
    '  --reason TEXT       why: recorded on the revocations written and in the audit log line',
  stdin:
    '  --stdin             read the new password from standard input (first line), not printed',
  all: '  --all               every session of the user instead of one',
  limit: '  --limit N           at most N records, newest first (default 50)',
  'keep-sessions':
    '  --keep-sessions     keep the sessions: the role goes at their next refresh instead of now',
  verified:
    '  --verified          you checked the address yourself: verified at once, no link sent',
};

const TARGET_HELP = `Target (one of):
  --local[=DATA_DIR]  the data of npm start (default: $DATA_DIR or .data); goes through
                      npm start when it runs there, else opens the folder itself
  --stack NAME        a deployed stack, with your AWS credentials
    --region REGION   its region (default: AWS_REGION / your AWS config)
    --profile NAME    the AWS profile to use (default: AWS_PROFILE / default)

Output:
  --json              print one JSON document (for scripts) instead of text
  -h, --help          this help`;

const line = (label: string, value: string) => `${label.padEnd(18)}${value}`;

function deps(context: Context): AdminDeps {
  return { ...context.target.deps, onProgress: context.onProgress };
}

function statusText(overview: {
  disabled: boolean;
  statusChangedAt?: string;
  statusChangedBy?: string;
  statusNote?: string;
}): string {
  const state = overview.disabled ? 'DISABLED' : 'enabled';
  if (!overview.statusChangedAt) return state;
  const note = overview.statusNote ? `: ${overview.statusNote}` : '';
  return `${state} (since ${overview.statusChangedAt} by ${overview.statusChangedBy ?? '?'}${note})`;
}

/** The MFA line of `users show` and `users mfa-reset`. */
function mfaText(mfa: MfaOverview): string {
  if (mfa.state === 'off') return 'off';
  if (mfa.state === 'pending') return `TOTP pending (enrolment begun ${mfa.since}, not confirmed)`;
  return `TOTP on (since ${mfa.since}); ${mfa.recoveryCodesLeft} recovery code(s) left`;
}

/** The `--json` form of {@link MfaOverview}. */
function mfaJson(mfa: MfaOverview) {
  return {
    state: mfa.state,
    since: mfa.since ?? null,
    recovery_codes_left: mfa.recoveryCodesLeft,
  };
}

/** The lockout line of `users show`: its addresses' locks, then the account's ceiling. */
function lockoutText(lockout: LockoutState): string {
  const counted = `${lockout.failures} failed login(s) from ${lockout.addresses ?? 0} address(es)`;
  const locks = lockout.lockedUntil
    ? `${lockout.lockedAddresses ?? 0} address(es) locked, the last until ${lockout.lockedUntil}`
    : 'not locked';
  const ceiling = lockout.ceilingUntil
    ? `; hourly ceiling reached until ${lockout.ceilingUntil} (addresses with a recent login are exempt)`
    : '';
  return `${locks} (${counted})${ceiling}`;
}

const COMMANDS: Command[] = [
  {
    group: 'users',
    name: 'show',
    args: ['<username>'],
    options: [],
    summary: 'a user: id, created, disabled or not, lockout, roles, e-mail, MFA, live sessions',
    details:
      "Shows the user id (the tokens' sub), when the user registered, whether it is disabled\n(and by whom, when, why), its failed-login lockout state, its roles, its e-mail address and\nwhether it is verified, its second factor (off, pending or on, since when, recovery codes\nleft), and how many live sessions it has.",
    async run({ target, args }) {
      const user = await showUser(target.deps, args[0] as string);
      const lockout =
        user.lockout === null ? 'not tracked by this version' : lockoutText(user.lockout);
      return {
        json: {
          username: user.username,
          user_id: user.userId,
          created_at: user.createdAt,
          disabled: user.disabled,
          status_changed_at: user.statusChangedAt ?? null,
          status_changed_by: user.statusChangedBy ?? null,
          status_note: user.statusNote ?? null,
          credentials_version: user.credentialsVersion,
          roles: user.roles,
          email: user.email ?? null,
          email_verified: user.emailVerified,
          mfa: mfaJson(user.mfa),
          live_sessions: user.liveSessions,
          lockout:
            user.lockout === null
              ? { tracked: false }
              : {
                  tracked: true,
                  failures: user.lockout.failures,
                  addresses: user.lockout.addresses ?? 0,
                  locked_addresses: user.lockout.lockedAddresses ?? 0,
                  locked_until: user.lockout.lockedUntil ?? null,
                  attempts_this_hour: user.lockout.attemptsThisHour ?? 0,
                  ceiling_until: user.lockout.ceilingUntil ?? null,
                },
        },
        text: [
          line('user', user.username),
          line('user id', user.userId),
          line('created', user.createdAt),
          line('status', statusText(user)),
          line('lockout', lockout),
          line('roles', user.roles.join(', ') || '-'),
          line(
            'e-mail',
            user.email
              ? `${user.email} (${user.emailVerified ? 'verified' : 'not verified'})`
              : '-',
          ),
          line('mfa', mfaText(user.mfa)),
          line('live sessions', String(user.liveSessions)),
        ].join('\n'),
      };
    },
  },
  {
    group: 'users',
    name: 'disable',
    args: ['<username>'],
    options: ['reason'],
    summary: 'stop a user from logging in and end all its sessions now',
    details:
      'Marks the user disabled: its logins fail with 401 invalid_credentials, exactly like a wrong\npassword; a login in flight gives up; every one of its sessions is revoked at once (reason\nuser_disabled), so refresh and every protected route refuse its tokens on the next request.\nRunning it again ends any session left behind.',
    async run(context) {
      const result = await disableUser(deps(context), context.args[0] as string, actorOf(context));
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          disabled: true,
          was_disabled: result.wasDisabled,
          sessions_revoked: result.sessionsRevoked,
        },
        text: `${result.username} is disabled${result.wasDisabled ? ' (it already was)' : ''}; ${result.sessionsRevoked} session(s) revoked.`,
      };
    },
  },
  {
    group: 'users',
    name: 'enable',
    args: ['<username>'],
    options: ['reason'],
    summary: 'let a disabled user log in again',
    details:
      'Clears the disabled mark. Sessions ended by the disable stay ended: the user logs in again.',
    async run(context) {
      const result = await enableUser(deps(context), context.args[0] as string, actorOf(context));
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          disabled: false,
          was_disabled: result.wasDisabled,
        },
        text: `${result.username} is enabled${result.wasDisabled ? '' : ' (it was not disabled)'}.`,
      };
    },
  },
  {
    group: 'users',
    name: 'unlock',
    args: ['<username>'],
    options: ['reason'],
    summary: 'forget the failed-login counts and locks of a user',
    details:
      'Deletes every failed-login count and lock of the user, from every address, and its hourly\nceiling: the user may log in at once. Sessions and the password are left alone.',
    async run(context) {
      const result = await unlockUser(deps(context), context.args[0] as string, actorOf(context));
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          counters_cleared: result.countersCleared,
        },
        text: `${result.username} is unlocked (${result.countersCleared} counter(s) cleared).`,
      };
    },
  },
  {
    group: 'users',
    name: 'reset-password',
    args: ['<username>'],
    options: ['stdin', 'reason'],
    summary: 'set a new random password (shown once) and end all sessions',
    details:
      'Sets a new password, revokes every session of the user (reason admin_revoked) and clears its\nlogin lockout; a login in flight with the old password gives up. The password is random\n(24 characters) and printed once: hand it over on a trusted channel and have the user change it. With --stdin it is read\nfrom standard input instead and not printed. A disabled user stays disabled.',
    async run(context) {
      let password: string | undefined;
      if (context.options.stdin) {
        password = (await context.io.readStdin()).split(/\r?\n/)[0] ?? '';
        if (!password) throw new UsageError('--stdin: standard input holds no password.');
      }
      const result = await resetPassword(
        deps(context),
        context.args[0] as string,
        password,
        actorOf(context),
      );
      const generated = password === undefined;
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          sessions_revoked: result.sessionsRevoked,
          disabled: result.disabled,
          ...(generated ? { password: result.password } : {}),
        },
        text: [
          `${result.username}: password reset; ${result.sessionsRevoked} session(s) revoked.`,
          ...(generated ? [`New password (shown once): ${result.password}`] : []),
          ...(result.disabled ? ['The user is still disabled: users enable lets it log in.'] : []),
        ].join('\n'),
      };
    },
  },
  {
    group: 'users',
    name: 'mfa-reset',
    args: ['<username>'],
    options: ['reason'],
    summary: 'remove the second factor and its recovery codes, and end all sessions',
    details:
      'For a user who lost the authenticator and its recovery codes, or whose account someone\nelse enrolled: removes the TOTP factor (on or pending) and every recovery code, and revokes\nevery session of the user (reason admin_revoked); a login waiting for its code gives up.\nThe user logs in next with the password alone and may enrol again. Check who asks first:\nthis takes the second factor away. Run on a user without a factor it still ends the\nsessions.',
    async run(context) {
      const result = await resetMfa(deps(context), context.args[0] as string, actorOf(context));
      const had =
        result.previous.state === 'off'
          ? 'had no second factor'
          : `${mfaText(result.previous)}: removed`;
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          previous_mfa: mfaJson(result.previous),
          mfa: mfaJson({ state: 'off', recoveryCodesLeft: 0 }),
          sessions_revoked: result.sessionsRevoked,
        },
        text: `${result.username}: ${had}; ${result.sessionsRevoked} session(s) revoked.`,
      };
    },
  },
  {
    group: 'users',
    name: 'roles',
    args: ['<username>'],
    options: [],
    summary: "a user's roles, and the scopes they grant",
    details:
      "Lists the user's roles and, on local data, the scopes they grant under ROLES as this\nshell sets it (a role ROLES does not name grants the scope of its own name).",
    async run({ target, args }) {
      return rolesOutput(await listRoles(target.deps, args[0] as string));
    },
  },
  {
    group: 'users',
    name: 'grant-role',
    args: ['<username>', '<role>'],
    options: ['reason'],
    summary: 'give a user a role; its sessions get the scopes at their next refresh',
    details:
      'Adds the role to the user. A new login gets its scopes at once; a session gets them at\nits next refresh, so within one access-token lifetime. Granting a role the user holds\nchanges nothing.',
    async run(context) {
      const [username, role] = context.args as [string, string];
      const result = await grantRole(deps(context), username, role, actorOf(context));
      const output = rolesOutput(result);
      return {
        json: { ...(output.json as object), changed: result.changed },
        text: `${result.username}: ${result.changed ? `role ${role} granted` : `already holds ${role}`}.\n${output.text}`,
      };
    },
  },
  {
    group: 'users',
    name: 'revoke-role',
    args: ['<username>', '<role>'],
    options: ['keep-sessions', 'reason'],
    summary: 'take a role from a user and end all its sessions now',
    details:
      "Removes the role from the user and, so that it takes effect at once, revokes every session\nof the user (reason role_revoked), as logout-all does: the next request with its tokens is\nrefused with 401 and the user logs in again, without the role. With --keep-sessions the\nsessions live on and lose the role's scopes at their next refresh instead (within one\naccess-token lifetime). Revoking a role the user does not hold changes nothing.",
    async run(context) {
      const [username, role] = context.args as [string, string];
      const keepSessions = context.options['keep-sessions'] === true;
      const result = await revokeRole(deps(context), username, role, actorOf(context), {
        keepSessions,
      });
      const output = rolesOutput(result);
      const what = result.changed
        ? `role ${role} revoked; ${keepSessions ? 'sessions kept (the role goes at their next refresh)' : `${result.sessionsRevoked} session(s) revoked`}`
        : `does not hold ${role}; nothing changed`;
      return {
        json: {
          ...(output.json as object),
          changed: result.changed,
          sessions_revoked: result.sessionsRevoked,
        },
        text: `${result.username}: ${what}.\n${output.text}`,
      };
    },
  },
  {
    group: 'users',
    name: 'set-email',
    args: ['<username>', '<address>'],
    options: ['verified', 'reason'],
    summary: "set a user's e-mail address (verified by a link, or --verified by you)",
    details:
      "Sets the user's e-mail address, the one password resets go to. By default it is set\nunverified and a verification link is sent to it, as when the user sets it: it becomes\nverified only when its owner opens the link, so a mistyped address never receives resets.\nWith --verified you vouch for the address (you checked it yourself): it is verified at\nonce and nothing is sent to it. An address verified on another account is refused.\nEither way an open password-reset link stops working, and the verified address it\nreplaces is released and told. A deployed stack: --verified only (the CLI sends no mail\nthere), and the replaced address is not told.",
    async run(context) {
      const [username, address] = context.args as [string, string];
      const verified = context.options.verified === true;
      const result = await setUserEmail(
        deps(context),
        username,
        address,
        { verified },
        actorOf(context),
      );
      const state = !result.changed
        ? 'already verified; nothing changed'
        : result.verified
          ? 'verified (by the operator)'
          : 'not verified until its owner opens the link just sent to it';
      const previous = result.previous
        ? [
            `The previous address ${result.previous.email} is released${result.previous.notified ? ' and was told' : '; it was not told (this target sends no mail)'}.`,
          ]
        : [];
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          email: result.email,
          email_verified: result.verified,
          changed: result.changed,
          link_sent: result.linkSent,
          previous_email: result.previous?.email ?? null,
          previous_notified: result.previous?.notified ?? false,
        },
        text: [`${result.username}: e-mail ${result.email}, ${state}.`, ...previous].join('\n'),
      };
    },
  },
  {
    group: 'sessions',
    name: 'list',
    args: ['<username>'],
    options: [],
    summary: 'the live sessions of a user, newest first',
    details:
      'Lists every live session of the user: id, created, last refreshed, end, IP, user agent.',
    async run({ target, args }) {
      const listed = await listUserSessions(target.deps, args[0] as string);
      const rows = listed.sessions.map((session) =>
        [
          session.sessionId,
          session.createdAt,
          session.refreshedAt ?? '-',
          session.expiresAt,
          session.ip ?? '-',
          session.userAgent ?? '-',
        ].join('  '),
      );
      return {
        json: {
          username: listed.username,
          user_id: listed.userId,
          sessions: listed.sessions.map((session) => ({
            session_id: session.sessionId,
            created_at: session.createdAt,
            refreshed_at: session.refreshedAt,
            expires_at: session.expiresAt,
            ip: session.ip,
            user_agent: session.userAgent,
          })),
        },
        text: [
          `${listed.username}: ${listed.sessions.length} live session(s)`,
          ...(rows.length ? ['session id  created  refreshed  ends  ip  user agent', ...rows] : []),
        ].join('\n'),
      };
    },
  },
  {
    group: 'sessions',
    name: 'revoke',
    args: ['<username>', '[<session_id>]'],
    options: ['all', 'reason'],
    summary: 'end one session of a user, or --all of them',
    details:
      'Revokes both tokens of the session (or of every session with --all) and deletes it (reason\nadmin_revoked). The user can log in again: to keep it out, use users disable.',
    async run(context) {
      const [username, sessionId] = context.args as [string, string | undefined];
      const result = await revokeUserSessions(
        deps(context),
        username,
        sessionId === undefined ? { all: true } : { sessionId },
        actorOf(context),
      );
      return {
        json: {
          username: result.username,
          user_id: result.userId,
          sessions_revoked: result.sessionsRevoked,
        },
        text: `${result.username}: ${result.sessionsRevoked} session(s) revoked.`,
      };
    },
  },
  {
    group: 'revocations',
    name: 'show',
    args: ['<jti | refresh token>'],
    options: [],
    summary: 'a revoked token: who, when, why, from where',
    details:
      "Shows the RevokedTokens item of a token: whose token (sub, sid), which kind, why and when it\nwas revoked, the client that asked (ip, user agent) and, for an operator's action, who and\nwhy. Items are keyed by the token's jti; an opaque refresh token (rt1.…) has none: its item\nis keyed by its reference (SHA-256 of its nonce, shown as jti), and the token itself may be\ngiven. Items are deleted by TTL some time after the token expired.",
    async run({ target, args }) {
      const item = await showRevocation(target.deps, args[0] as string);
      const json = {
        jti: item.jti,
        sub: item.sub,
        sid: item.sid,
        token_use: item.tokenUse,
        reason: item.reason,
        revoked_at: item.revokedAt,
        expires_at: new Date(item.expiresAt * 1000).toISOString(),
        ip: item.ip ?? null,
        user_agent: item.userAgent ?? null,
        actor: item.actor ?? null,
        action: item.action ?? null,
        note: item.note ?? null,
      };
      return {
        json,
        text: [
          line('jti', item.jti),
          line('user (sub)', item.sub),
          line('session (sid)', item.sid),
          line('token', item.tokenUse),
          line('reason', item.reason),
          line('revoked at', item.revokedAt),
          line('kept until', json.expires_at),
          line('ip', item.ip ?? '-'),
          line('user agent', item.userAgent ?? '-'),
          ...(item.actor ? [line('by operator', item.actor)] : []),
          ...(item.action ? [line('action', item.action)] : []),
          ...(item.note ? [line('note', item.note)] : []),
        ].join('\n'),
      };
    },
  },
];

/** What the role commands print: the roles and, where known, the scopes. */
function rolesOutput(roles: UserRoles): Output {
  return {
    json: {
      username: roles.username,
      user_id: roles.userId,
      roles: roles.roles,
      scopes: roles.scopes ?? null,
    },
    text: [
      line('roles', roles.roles.join(', ') || '-'),
      ...(roles.scopes ? [line('scopes', roles.scopes.join(' ') || '-')] : []),
    ].join('\n'),
  };
}

/** `audit` and `audit <username>` are short for `audit list …`. */
function withAuditShorthand(parsed: ParsedArgs): ParsedArgs {
  const [group, name, ...rest] = parsed.positionals;
  if (group !== 'audit' || name === 'list') return parsed;
  return {
    ...parsed,
    positionals: ['audit', 'list', ...(name === undefined ? [] : [name]), ...rest],
  };
}

/** Records `audit list` shows unless `--limit` says otherwise. */
const DEFAULT_AUDIT_LIMIT = 50;

function readLimit(value: string | true | undefined): number {
  if (value === undefined) return DEFAULT_AUDIT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError(`--limit must be a whole number from 1 to 10000, got "${value}".`);
  }
  return limit;
}

COMMANDS.push({
  group: 'audit',
  name: 'list',
  args: ['[<username>]'],
  options: ['limit'],
  summary: 'the audit record: who did what to whom, when and why',
  details:
    'Lists the durable record of every change made with this CLI (disable, enable, session\nrevocation, password reset...), newest first: when, the operator, the action, the user and\nthe --reason. Each record is written before its action runs and kept at least 400 days.\n`npm run admin -- audit` is short for `audit list`.',
  async run({ target, args, options }) {
    const entries = await listAudit(target.deps, {
      limit: readLimit(options.limit),
      ...(args[0] !== undefined ? { rawName: args[0] } : {}),
    });
    return {
      json: {
        records: entries.map((entry) => ({
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          username: entry.username,
          user_id: entry.userId,
          reason: entry.note ?? null,
          details: entry.details ?? {},
        })),
      },
      text: entries.length
        ? [
            'when  operator  action  user  reason',
            ...entries.map((entry) =>
              [
                entry.at,
                entry.actor,
                entry.action +
                  Object.entries(entry.details ?? {})
                    .map(([key, value]) => ` ${key}=${value}`)
                    .join(''),
                entry.username,
                entry.note ?? '-',
              ].join('  '),
            ),
          ].join('\n')
        : 'No audit records.',
    };
  },
});

const GROUPS = ['users', 'sessions', 'revocations', 'audit'];

/** Who runs an audited command, and why (`--reason`), as the audit record takes it. */
function actorOf(context: Context) {
  const reason = context.options.reason;
  return { ...context.target.operator, ...(typeof reason === 'string' ? { note: reason } : {}) };
}

function usageOf(command: Command): string {
  const args =
    command.name === 'revoke' ? '<username> (<session_id> | --all)' : command.args.join(' ');
  const extra = command.options
    .filter((option) => option !== 'all')
    .map((option) =>
      option === 'reason'
        ? '[--reason TEXT]'
        : option === 'limit'
          ? '[--limit N]'
          : `[--${option}]`,
    );
  return [
    'npm run admin --',
    command.group,
    command.name,
    args,
    ...extra,
    '<target> [--json]',
  ].join(' ');
}

function commandHelp(command: Command): string {
  const options = command.options.map((option) => OPTION_HELP[option]).filter(Boolean);
  const summary = `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`;
  return [
    `Usage: ${usageOf(command)}`,
    '',
    summary,
    '',
    command.details,
    '',
    ...(options.length ? ['Options:', ...options, ''] : []),
    TARGET_HELP,
    '',
  ].join('\n');
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((command) => command.group === group);
  return `Usage: npm run admin -- ${group} <command> … <target>\n\nCommands:\n${commands
    .map((command) => `  ${`${group} ${command.name}`.padEnd(24)}${command.summary}`)
    .join('\n')}\n\nRun npm run admin -- ${group} <command> --help for one command.\n`;
}

/** The help of the whole CLI. */
export function mainHelp(): string {
  return `Usage: npm run admin -- <command> [arguments] <target> [--json]

Incident response for serverless-jwt-auth: show, disable and enable users, grant and
revoke roles, set an e-mail address, list and revoke sessions, reset a password or a second
factor, look up a revocation; on the local data of npm start or on a deployed stack. Every
change is audited (who, when, why).

Commands:
${COMMANDS.map((command) => `  ${`${command.group} ${command.name}`.padEnd(24)}${command.summary}`).join('\n')}

${TARGET_HELP}

Exit codes: 0 done, 1 failed, 2 wrong command line.
Run npm run admin -- <command> --help for one command, e.g. users disable --help.
`;
}

function resolveTarget(parsed: ParsedArgs, io: CliIo): TargetSpec {
  const { local, stack, region, profile } = parsed.options;
  if (local !== undefined && stack !== undefined) {
    throw new UsageError('Choose one target: --local or --stack, not both.');
  }
  if (stack !== undefined) {
    return {
      kind: 'stack',
      stackName: stack as string,
      ...(typeof region === 'string' ? { region } : {}),
      ...(typeof profile === 'string' ? { profile } : {}),
    };
  }
  if (region !== undefined || profile !== undefined) {
    throw new UsageError('--region and --profile go with --stack.');
  }
  if (local === undefined) {
    throw new UsageError('Choose a target: --local[=DATA_DIR] (npm start data) or --stack NAME.');
  }
  const dir = local === true ? io.env.DATA_DIR?.trim() || '.data' : local;
  return { kind: 'local', dataDir: resolve(io.cwd, dir) };
}

/** Checks the arguments and options of `command`; returns its arguments. */
function checkCommand(command: Command, parsed: ParsedArgs): string[] {
  const args = parsed.positionals.slice(2);
  const allowed = new Set<OptionName>([
    ...command.options,
    'help',
    'json',
    'local',
    'stack',
    'region',
    'profile',
  ]);
  for (const option of Object.keys(parsed.options) as OptionName[]) {
    if (!allowed.has(option)) {
      throw new UsageError(`${command.group} ${command.name} takes no --${option}.`);
    }
  }
  if (command.name === 'revoke') {
    const all = parsed.options.all === true;
    if (args.length === 0) throw new UsageError('Missing <username>.');
    if (args.length > 2) throw new UsageError(`Too many arguments: ${args.slice(2).join(' ')}.`);
    if (all === (args.length === 2)) {
      throw new UsageError('Give either a <session_id> or --all (exactly one).');
    }
    return args;
  }
  const required = command.args.filter((arg) => !arg.startsWith('['));
  if (args.length < required.length) {
    throw new UsageError(`Missing ${required.slice(args.length).join(' ')}.`);
  }
  if (args.length > command.args.length) {
    throw new UsageError(`Too many arguments: ${args.slice(command.args.length).join(' ')}.`);
  }
  if (args.some((arg) => arg.trim() === '')) throw new UsageError('An argument is empty.');
  return args;
}

/** The command the positionals name; a `UsageError` saying what is wrong otherwise. */
function findCommand(parsed: ParsedArgs): Command {
  const [group, name] = parsed.positionals;
  const command = COMMANDS.find(
    (candidate) => candidate.group === group && candidate.name === name,
  );
  if (command) return command;
  if (group === undefined) throw new UsageError('No command given.');
  if (!GROUPS.includes(group)) {
    const hint =
      parsed.options.local === true
        ? ` (to name the data folder, stick it to the option: --local=${group})`
        : '';
    throw new UsageError(`Unknown command "${group}"${hint}.`);
  }
  throw new UsageError(
    name === undefined ? `${group}: which command?` : `Unknown command "${group} ${name}".`,
  );
}

function progressReporter(io: CliIo, json: boolean): (done: number, total: number) => void {
  return (done, total) => {
    const text = `revoking sessions: ${done}/${total}`;
    if (io.interactive) io.stderr(`\r${text}${done === total ? '\n' : ''}`);
    else if (!json || done === total) io.stderr(`${text}\n`);
  };
}

/** Why a failure happened, in one line for the operator. */
function failureMessage(error: unknown): string {
  if (error instanceof AuthError) {
    if (error.status >= 500) {
      const cause = (error.cause as { cause?: unknown } | undefined)?.cause ?? error.cause;
      const detail = cause instanceof Error ? `: ${cause.name}: ${cause.message}` : '';
      return `The store cannot be reached or refused the request${detail}.`;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Runs one command line; resolves with the exit code. Never throws: every
 * failure is printed on stderr.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  openTarget: OpenTarget,
): Promise<number> {
  let parsed: ParsedArgs;
  let command: Command | undefined;
  try {
    parsed = withAuditShorthand(parseArgs(argv));
    if (parsed.options.help) {
      const [group, name] = parsed.positionals;
      const found = COMMANDS.find((c) => c.group === group && c.name === name);
      if (found) io.stdout(commandHelp(found));
      else if (group !== undefined && GROUPS.includes(group) && name === undefined) {
        io.stdout(groupHelp(group));
      } else if (group === undefined) io.stdout(mainHelp());
      else findCommand(parsed);
      return EXIT.ok;
    }
    const [group, name] = parsed.positionals;
    if (group !== undefined && GROUPS.includes(group) && name === undefined) {
      io.stderr(groupHelp(group));
      return EXIT.usage;
    }
    if (group === undefined) {
      io.stderr(mainHelp());
      return EXIT.usage;
    }
    command = findCommand(parsed);
    const args = checkCommand(command, parsed);
    const spec = resolveTarget(parsed, io);
    const json = parsed.options.json === true;

    const target = await openTarget(spec);
    try {
      if (!json) io.stderr(`target: ${target.description}; acting as ${target.operator.actor}\n`);
      const output = await command.run({
        target,
        args,
        options: parsed.options,
        io,
        onProgress: progressReporter(io, json),
      });
      io.stdout(json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
      return EXIT.ok;
    } finally {
      await target.close();
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidRequestError) {
      const help = command
        ? `npm run admin -- ${command.group} ${command.name} --help`
        : 'npm run admin -- --help';
      io.stderr(`error: ${error.message}\nSee ${help}.\n`);
      return EXIT.usage;
    }
    const known = error instanceof AdminError || error instanceof AuthError;
    io.stderr(`error: ${failureMessage(error)}\n`);
    if (!known && error instanceof Error && io.env.ADMIN_DEBUG) io.stderr(`${error.stack}\n`);
    return EXIT.failure;
  }
}
