/**
 * The admin CLI as an adapter: argument handling, help, exit codes, text and
 * `--json` output, progress, and the target it asks for, with an injected
 * target on the in-memory fakes (no engine, no AWS).
 */

import { Secret } from 'otpauth';
import { type CliIo, EXIT, mainHelp, runCli } from '../../admin/cli';
import type { Target, TargetSpec } from '../../admin/target';
import { AdminError } from '../../admin/target';
import { login } from '../../lambdas/auth/login';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../lambdas/auth/mfa/enrolment';
import { timeStep, totpCode } from '../../lambdas/auth/mfa/totp';
import { register } from '../../lambdas/auth/register';
import { UnavailableError } from '../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../support/fakes';

const PASSWORD = 'correct horse battery';
const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const ACTOR = 'arn:aws:iam::123456789012:user/oncall';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  specs: TargetSpec[];
  closed: number;
}

let world: DomainWorld;
let userId: string;

let logLines: jest.SpyInstance;

beforeEach(async () => {
  // The audit lines (checked in test/unit/auth/admin.test.ts) stay out of the test output.
  logLines = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  world = await domainWorld();
  ({ userId } = await register(world, { username: 'alice', password: PASSWORD }));
});

afterEach(() => {
  logLines.mockRestore();
});

async function run(
  argv: string[],
  options: {
    stdin?: string;
    interactive?: boolean;
    env?: Record<string, string>;
    open?: () => Promise<Target>;
  } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const specs: TargetSpec[] = [];
  let closed = 0;
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? '',
    interactive: options.interactive ?? false,
    env: options.env ?? {},
    cwd: '/work/project',
  };
  const code = await runCli(argv, io, async (spec) => {
    specs.push(spec);
    const target: Target = options.open
      ? await options.open()
      : {
          description: 'fakes',
          operator: { actor: ACTOR, client: { userAgent: 'admin-test' } },
          deps: world,
          close: async () => undefined,
        };
    return {
      ...target,
      close: async () => {
        closed += 1;
        await target.close();
      },
    };
  });
  return { code, stdout, stderr, specs, closed };
}

const session = () => login(world, { username: 'alice', password: PASSWORD }, CLIENT);

describe('help', () => {
  it('prints the main help on --help (exit 0) and on no command (stderr, exit 2)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toBe(mainHelp());
    for (const command of [
      'users show',
      'users disable',
      'users enable',
      'users reset-password',
      'users mfa-reset',
      'users roles',
      'users grant-role',
      'users revoke-role',
      'sessions list',
      'sessions revoke',
      'revocations show',
    ]) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    expect(help.stdout).toMatch(/--local\[=DATA_DIR\]/);
    expect(help.stdout).toMatch(/--stack NAME/);
    expect(help.stdout).toMatch(/Exit codes: 0 done, 1 failed, 2 wrong command line/);

    const none = await run([]);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(mainHelp());
  });

  it.each([
    ['users', 'show', /Usage: npm run admin -- users show <username> <target> \[--json\]/],
    [
      'users',
      'disable',
      /users disable <username> \[--reason TEXT\][\s\S]*user_disabled[\s\S]*--reason TEXT/,
    ],
    ['users', 'enable', /users enable <username> \[--reason TEXT\]/],
    [
      'users',
      'reset-password',
      /users reset-password <username> \[--stdin\] \[--reason TEXT\][\s\S]*--stdin /,
    ],
    [
      'users',
      'mfa-reset',
      /users mfa-reset <username> \[--reason TEXT\][\s\S]*admin_revoked[\s\S]*--reason TEXT/,
    ],
    ['sessions', 'list', /sessions list <username> <target>/],
    [
      'sessions',
      'revoke',
      /sessions revoke <username> \(<session_id> \| --all\)[\s\S]*admin_revoked[\s\S]*--all /,
    ],
    ['revocations', 'show', /revocations show <jti \| refresh token>[\s\S]*keyed by its reference/],
  ])('has --help for %s %s, without opening any target', async (group, name, expected) => {
    for (const flag of ['--help', '-h']) {
      const result = await run([group, name, flag, '--stack', 'Prod']);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toMatch(expected);
      expect(result.stdout).toContain('--local[=DATA_DIR]');
      expect(result.specs).toEqual([]);
    }
  });

  it('lists a group’s commands for "users --help", and on stderr with exit 2 for "users" alone', async () => {
    const help = await run(['users', '--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/users disable\s+stop a user/);
    expect(help.stdout).not.toContain('sessions list');
    const bare = await run(['sessions']);
    expect(bare.code).toBe(EXIT.usage);
    expect(bare.stderr).toMatch(/sessions revoke/);
  });
});

describe('usage errors (exit 2, stderr, nothing opened)', () => {
  it.each([
    [['users', 'show', 'alice'], /Choose a target/],
    [['users', 'show', 'alice', '--local', '--stack', 'Prod'], /not both/],
    [
      ['users', 'show', 'alice', '--local', '--region', 'eu-west-1'],
      /--region and --profile go with --stack/,
    ],
    [['users', 'show', '--local'], /Missing <username>/],
    [['users', 'show', 'alice', 'bob', '--local'], /Too many arguments: bob/],
    [['users', 'show', 'alice', '--local', '--reason', 'x'], /users show takes no --reason/],
    [['users', 'show', 'alice', '--local', '--verbose'], /Unknown option --verbose/],
    [['users', 'show', 'alice', '-v'], /Unknown option -v/],
    [['users', 'show', 'alice', '--stack'], /--stack needs a value/],
    [['users', 'show', 'alice', '--json=yes', '--local'], /--json takes no value/],
    [['users', 'show', 'alice', '--local', '--local'], /--local is given twice/],
    [['users', 'frobnicate', 'alice', '--local'], /Unknown command "users frobnicate"/],
    [['sessions', 'revoke', 'alice', '--local'], /either a <session_id> or --all/],
    [['sessions', 'revoke', 'alice', 'sid', '--all', '--local'], /either a <session_id> or --all/],
    [
      ['--local', '.data', 'users', 'show', 'alice'],
      /Unknown command ".data" \(to name the data folder, stick it to the option: --local=.data\)/,
    ],
  ])('%j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/See npm run admin -- .*--help\./);
    expect(result.stdout).toBe('');
    expect(result.specs).toEqual([]);
  });
});

describe('targets', () => {
  it('resolves --local to $DATA_DIR or .data, --local=DIR relative to the working folder', async () => {
    expect((await run(['users', 'show', 'alice', '--local'])).specs).toEqual([
      { kind: 'local', dataDir: '/work/project/.data' },
    ]);
    expect(
      (await run(['users', 'show', 'alice', '--local'], { env: { DATA_DIR: '/srv/auth' } })).specs,
    ).toEqual([{ kind: 'local', dataDir: '/srv/auth' }]);
    expect((await run(['--local=../other', 'users', 'show', 'alice'])).specs).toEqual([
      { kind: 'local', dataDir: '/work/other' },
    ]);
  });

  it('passes --stack with --region and --profile, in either form', async () => {
    const result = await run([
      'users',
      'show',
      'alice',
      '--stack=Prod',
      '--region',
      'eu-west-1',
      '--profile=oncall',
    ]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.specs).toEqual([
      { kind: 'stack', stackName: 'Prod', region: 'eu-west-1', profile: 'oncall' },
    ]);
    expect(result.closed).toBe(1);
  });

  it('reports a target that cannot be opened with exit 1 and its message', async () => {
    const result = await run(['users', 'show', 'alice', '--stack', 'Gone'], {
      open: async () => {
        throw new AdminError('No stack named Gone; check --stack and --region.');
      },
    });
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toBe('error: No stack named Gone; check --stack and --region.\n');
  });
});

describe('commands on the fakes', () => {
  it('audit: the durable record of each change, newest first, as text and --json; audit <user> filters', async () => {
    await run(['users', 'reset-password', 'alice', '--reason', 'INC-9', '--local']);
    await run(['users', 'disable', 'alice', '--local']);

    const text = await run(['audit', '--local']);
    expect(text.code).toBe(EXIT.ok);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe('when  operator  action  user  reason');
    expect(lines[1]).toMatch(new RegExp(`^\\S+Z  ${ACTOR}  disable_user  alice  -$`));
    expect(lines[2]).toMatch(new RegExp(`^\\S+Z  ${ACTOR}  reset_password  alice  INC-9$`));

    const json = await run(['audit', 'list', 'Alice', '--limit', '1', '--local', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      records: [
        {
          at: world.clock().toISOString(),
          actor: ACTOR,
          action: 'disable_user',
          username: 'alice',
          user_id: userId,
          reason: null,
          details: {},
        },
      ],
    });
    expect((await run(['audit', 'bob', '--local'])).stdout).toBe('No audit records.\n');
    expect((await run(['audit', '--limit', '0', '--local'])).code).toBe(EXIT.usage);
  });

  it('users show: text and --json', async () => {
    await session();
    const text = await run(['users', 'show', 'Alice', '--local']);
    expect(text.code).toBe(EXIT.ok);
    expect(text.stdout).toMatch(/^user\s+alice$/m);
    expect(text.stdout).toMatch(new RegExp(`^user id\\s+${userId}$`, 'm'));
    expect(text.stdout).toMatch(/^status\s+enabled$/m);
    expect(text.stdout).toMatch(/^lockout\s+not tracked by this version$/m);
    expect(text.stdout).toMatch(/^live sessions\s+1$/m);
    expect(text.stdout).toMatch(/^e-mail\s+-$/m);
    expect(text.stdout).toMatch(/^mfa\s+off$/m);
    expect(text.stderr).toContain(`acting as ${ACTOR}`);

    const json = await run(['users', 'show', 'alice', '--local', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      username: 'alice',
      user_id: userId,
      created_at: world.clock().toISOString(),
      disabled: false,
      status_changed_at: null,
      status_changed_by: null,
      status_note: null,
      credentials_version: 0,
      roles: [],
      email: null,
      email_verified: false,
      mfa: { state: 'off', since: null, recovery_codes_left: 0 },
      live_sessions: 1,
      lockout: { tracked: false },
    });
    expect(json.stderr).toBe('');

    Object.assign(world.users.items.get('alice') ?? {}, { email: 'a@example.com' });
    const withAddress = await run(['users', 'show', 'alice', '--local']);
    expect(withAddress.stdout).toMatch(/^e-mail\s+a@example\.com \(not verified\)$/m);
  });

  it('users grant-role / roles / show: the role, its scopes, audited with --reason', async () => {
    const granted = await run([
      'users',
      'grant-role',
      'alice',
      'editor',
      '--local',
      '--reason',
      'T-7',
    ]);
    expect(granted.code).toBe(EXIT.ok);
    expect(granted.stdout).toMatch(/^alice: role editor granted\.$/m);
    expect(granted.stdout).toMatch(/^scopes\s+notes:read notes:write$/m);
    expect(world.auditLog.entries.at(-1)).toMatchObject({
      action: 'grant_role',
      actor: ACTOR,
      note: 'T-7',
      details: { role: 'editor' },
    });

    const listed = await run(['users', 'roles', 'alice', '--local', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual({
      username: 'alice',
      user_id: userId,
      roles: ['editor'],
      scopes: ['notes:read', 'notes:write'],
    });
    expect((await run(['users', 'show', 'alice', '--local'])).stdout).toMatch(/^roles\s+editor$/m);
  });

  it('users revoke-role: ends every session now, or with --keep-sessions none', async () => {
    await run(['users', 'grant-role', 'alice', 'editor', '--local']);
    await run(['users', 'grant-role', 'alice', 'reader', '--local']);
    await session();

    const kept = await run([
      'users',
      'revoke-role',
      'alice',
      'reader',
      '--keep-sessions',
      '--local',
    ]);
    expect(kept.stdout).toMatch(/^alice: role reader revoked; sessions kept/m);
    expect(world.sessions.items.size).toBe(1);

    const revoked = await run(['users', 'revoke-role', 'alice', 'editor', '--local', '--json']);
    expect(JSON.parse(revoked.stdout)).toMatchObject({
      roles: [],
      changed: true,
      sessions_revoked: 1,
    });
    expect(await world.sessions.listByUser(userId)).toEqual([]);
  });

  it('users grant-role: a role name with a space is a usage error (exit 2), nothing recorded', async () => {
    const result = await run(['users', 'grant-role', 'alice', 'a b', '--local']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/^error: A role must be one of/m);
    expect(world.auditLog.entries).toEqual([]);
  });

  it('users set-email: a link sent by default, --verified at once; audited with --reason', async () => {
    const withMail = async (): Promise<Target> => ({
      description: 'fakes with mail',
      operator: { actor: ACTOR },
      deps: {
        ...world,
        email: { linkBaseUrl: 'http://127.0.0.1:3000/', verificationTtlSeconds: 60 },
      },
      close: async () => undefined,
    });

    const linked = await run(['users', 'set-email', 'alice', 'Alice@Example.com', '--local'], {
      open: withMail,
    });
    expect(linked.code).toBe(EXIT.ok);
    expect(linked.stdout).toBe(
      'alice: e-mail Alice@example.com, not verified until its owner opens the link just sent to it.\n',
    );
    expect(world.mail.linkTo('Alice@example.com')).toMatch(/^http:\/\/127\.0\.0\.1:3000\/\?token=/);

    const vouched = await run(
      [
        'users',
        'set-email',
        'alice',
        'alice@example.org',
        '--verified',
        '--reason',
        'INC-9',
        '--local',
        '--json',
      ],
      { open: withMail },
    );
    expect(vouched.code).toBe(EXIT.ok);
    expect(JSON.parse(vouched.stdout)).toEqual({
      username: 'alice',
      user_id: userId,
      email: 'alice@example.org',
      email_verified: true,
      changed: true,
      link_sent: false,
      previous_email: null,
      previous_notified: false,
    });
    expect(world.auditLog.entries.at(-1)).toMatchObject({
      action: 'set_email',
      note: 'INC-9',
      details: { email: 'alice@example.org', verified: 'by operator' },
    });
    const shown = await run(['users', 'show', 'alice', '--local']);
    expect(shown.stdout).toMatch(/^e-mail\s+alice@example\.org \(verified\)$/m);
  });

  it('users set-email: a target without mail needs --verified; a taken address is exit 1; a bad one exit 2', async () => {
    const noLink = await run(['users', 'set-email', 'alice', 'alice@example.com', '--local']);
    expect(noLink.code).toBe(EXIT.failure);
    expect(noLink.stderr).toMatch(/^error: This target sends no mail.*pass --verified/m);

    await register(world, { username: 'bob', password: PASSWORD });
    expect(
      (await run(['users', 'set-email', 'bob', 'bob@example.com', '--verified', '--local'])).code,
    ).toBe(EXIT.ok);
    const taken = await run([
      'users',
      'set-email',
      'alice',
      'bob@example.com',
      '--verified',
      '--local',
    ]);
    expect(taken.code).toBe(EXIT.failure);
    expect(taken.stderr).toMatch(
      /^error: bob@example\.com is verified on another account \(bob\); nothing changed\.$/m,
    );

    const bad = await run(['users', 'set-email', 'alice', 'no-at-sign', '--verified', '--local']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/^error: Invalid field "address": must be an e-mail address$/m);
    expect(world.users.items.get('alice')?.email).toBeUndefined();
  });

  it('users show: an unknown user is exit 1 with a clear message', async () => {
    const result = await run(['users', 'show', 'carol', '--local']);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(/^error: No user named "carol"\.$/m);
    expect(result.stdout).toBe('');
    expect(result.closed).toBe(1);
  });

  it('users disable / enable: audit with the target’s operator and --reason', async () => {
    const pair = await session();
    const disabled = await run([
      'users',
      'disable',
      'alice',
      '--local',
      '--reason',
      'INC-7',
      '--json',
    ]);
    expect(disabled.code).toBe(EXIT.ok);
    expect(JSON.parse(disabled.stdout)).toEqual({
      username: 'alice',
      user_id: userId,
      disabled: true,
      was_disabled: false,
      sessions_revoked: 1,
    });
    expect(world.revokedTokens.items.get(pair.access.claims.jti)).toMatchObject({
      reason: 'user_disabled',
      actor: ACTOR,
      note: 'INC-7',
      userAgent: 'admin-test',
    });
    expect(world.users.items.get('alice')).toMatchObject({ disabled: true, statusNote: 'INC-7' });

    const enabled = await run(['users', 'enable', 'alice', '--local']);
    expect(enabled.code).toBe(EXIT.ok);
    expect(enabled.stdout).toBe('alice is enabled.\n');
    expect(world.users.items.get('alice')?.disabled).toBe(false);
  });

  it('users reset-password: a generated password printed once, or one read from stdin', async () => {
    const generated = await run(['users', 'reset-password', 'alice', '--local']);
    expect(generated.code).toBe(EXIT.ok);
    const password = /New password \(shown once\): (\S+)/.exec(generated.stdout)?.[1] as string;
    expect(password).toHaveLength(24);
    await expect(login(world, { username: 'alice', password }, CLIENT)).resolves.toBeDefined();

    const piped = await run(['users', 'reset-password', 'alice', '--stdin', '--local', '--json'], {
      stdin: 'a password from stdin\n',
    });
    expect(piped.code).toBe(EXIT.ok);
    expect(JSON.parse(piped.stdout)).not.toHaveProperty('password');
    expect(piped.stdout).not.toContain('a password from stdin');
    await expect(
      login(world, { username: 'alice', password: 'a password from stdin' }, CLIENT),
    ).resolves.toBeDefined();

    const short = await run(['users', 'reset-password', 'alice', '--stdin', '--local'], {
      stdin: 'short\n',
    });
    expect(short.code).toBe(EXIT.usage);
    expect(short.stderr).toMatch(/"password": must be 8 to 256 characters/);
    const empty = await run(['users', 'reset-password', 'alice', '--stdin', '--local']);
    expect(empty.code).toBe(EXIT.usage);
    expect(empty.stderr).toMatch(/standard input holds no password/);
  });

  it('users mfa-reset: removes the factor, ends the sessions, audited with --reason; users show follows', async () => {
    const pair = await session();
    const caller = { userId, username: 'alice', sessionId: pair.access.claims.sid };
    const { secret } = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);
    const code = totpCode(Secret.fromBase32(secret).bytes, timeStep(world.clock()));
    await confirmTotpEnrolment(world, caller, code, CLIENT);
    const since = world.clock().toISOString();

    const shown = await run(['users', 'show', 'alice', '--local']);
    expect(shown.stdout).toMatch(
      new RegExp(`^mfa\\s+TOTP on \\(since ${since}\\); 10 recovery code\\(s\\) left$`, 'm'),
    );

    const reset = await run(['users', 'mfa-reset', 'alice', '--local', '--reason', 'lost phone']);
    expect(reset.code).toBe(EXIT.ok);
    expect(reset.stdout).toBe(
      `alice: TOTP on (since ${since}); 10 recovery code(s) left: removed; 1 session(s) revoked.\n`,
    );
    expect(world.users.items.get('alice')?.totp).toBeUndefined();
    expect(world.revokedTokens.items.get(pair.access.claims.jti)).toMatchObject({
      reason: 'admin_revoked',
      action: 'reset_mfa',
      actor: ACTOR,
      note: 'lost phone',
    });
    expect(await world.auditLog.list({ limit: 1 })).toEqual([
      expect.objectContaining({
        action: 'reset_mfa',
        note: 'lost phone',
        details: { mfa: 'active' },
      }),
    ]);

    const again = await run(['users', 'mfa-reset', 'alice', '--local', '--json']);
    expect(again.code).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout)).toEqual({
      username: 'alice',
      user_id: userId,
      previous_mfa: { state: 'off', since: null, recovery_codes_left: 0 },
      mfa: { state: 'off', since: null, recovery_codes_left: 0 },
      sessions_revoked: 0,
    });
    const json = await run(['users', 'show', 'alice', '--local', '--json']);
    expect(JSON.parse(json.stdout).mfa).toEqual({
      state: 'off',
      since: null,
      recovery_codes_left: 0,
    });
  });

  it('users mfa-reset and set-email: audited before acting, so an audit log that cannot be written changes nothing (exit 1)', async () => {
    const pair = await session();
    const caller = { userId, username: 'alice', sessionId: pair.access.claims.sid };
    const { secret } = await beginTotpEnrolment(world, caller, PASSWORD, CLIENT);
    const code = totpCode(Secret.fromBase32(secret).bytes, timeStep(world.clock()));
    await confirmTotpEnrolment(world, caller, code, CLIENT);
    world.auditLog.failing = true;

    const reset = await run(['users', 'mfa-reset', 'alice', '--local']);
    const setEmail = await run([
      'users',
      'set-email',
      'alice',
      'alice@example.com',
      '--verified',
      '--local',
    ]);

    expect([reset.code, setEmail.code]).toEqual([EXIT.failure, EXIT.failure]);
    expect(world.users.items.get('alice')?.totp?.state).toBe('active');
    expect(world.users.items.get('alice')?.email).toBeUndefined();
    // The enrolling session outlived the enrolment; the reset did not end it either.
    expect(world.revokedTokens.items.get(pair.access.claims.jti)).toBeUndefined();
  });

  it('sessions list and revoke one', async () => {
    const first = await session();
    const second = await session();
    const listed = await run(['sessions', 'list', 'alice', '--local', '--json']);
    const ids = (
      JSON.parse(listed.stdout) as { sessions: Array<{ session_id: string }> }
    ).sessions.map((s) => s.session_id);
    expect(ids.sort()).toEqual([first.access.claims.sid, second.access.claims.sid].sort());

    const revoked = await run(['sessions', 'revoke', 'alice', first.access.claims.sid, '--local']);
    expect(revoked.code).toBe(EXIT.ok);
    expect(revoked.stdout).toBe('alice: 1 session(s) revoked.\n');
    expect(await world.sessions.get(userId, first.access.claims.sid)).toBeUndefined();
    expect(await world.sessions.get(userId, second.access.claims.sid)).toBeDefined();

    const unknown = await run(['sessions', 'revoke', 'alice', 'no-such-session', '--local']);
    expect(unknown.code).toBe(EXIT.failure);
    expect(unknown.stderr).toMatch(/alice has no live session no-such-session/);
  });

  it('sessions revoke --all shows a progress line: in place on a terminal, lines otherwise', async () => {
    for (let i = 0; i < 70; i++) await session();
    const terminal = await run(['sessions', 'revoke', 'alice', '--all', '--local'], {
      interactive: true,
    });
    expect(terminal.code).toBe(EXIT.ok);
    expect(terminal.stderr).toContain('\rrevoking sessions: 64/70\rrevoking sessions: 70/70\n');
    expect(terminal.stdout).toBe('alice: 70 session(s) revoked.\n');

    for (let i = 0; i < 3; i++) await session();
    const piped = await run(['sessions', 'revoke', 'alice', '--all', '--local']);
    expect(piped.stderr).toContain('revoking sessions: 3/3\n');
    expect(piped.stderr).not.toContain('\r');
  });

  it('revocations show: text and --json', async () => {
    const pair = await session();
    await run(['users', 'disable', 'alice', '--local', '--reason', 'stolen laptop']);
    const jti = pair.refresh.claims.jti;
    const text = await run(['revocations', 'show', jti, '--local']);
    expect(text.stdout).toMatch(/^reason\s+user_disabled$/m);
    expect(text.stdout).toMatch(new RegExp(`^by operator\\s+${ACTOR}$`, 'm'));
    expect(text.stdout).toMatch(/^note\s+stolen laptop$/m);

    const json = JSON.parse((await run(['revocations', 'show', jti, '--local', '--json'])).stdout);
    expect(json).toMatchObject({
      jti,
      sub: userId,
      token_use: 'refresh',
      reason: 'user_disabled',
      actor: ACTOR,
      action: 'disable_user',
      note: 'stolen laptop',
      ip: null,
    });
    // An opaque refresh token has no jti: its item is found from the token itself.
    const byToken = JSON.parse(
      (await run(['revocations', 'show', pair.refresh.token, '--local', '--json'])).stdout,
    );
    expect(byToken).toMatchObject({ jti, token_use: 'refresh', reason: 'user_disabled' });

    const missing = await run(['revocations', 'show', 'nope', '--local']);
    expect(missing.code).toBe(EXIT.failure);
    expect(missing.stderr).toMatch(/No revocation for nope/);
  });

  it('a store that cannot be reached is exit 1, said plainly, and the target is closed', async () => {
    const broken = {
      ...world,
      users: {
        ...world.users,
        find: async () => {
          throw new UnavailableError(undefined, {
            cause: new Error('DynamoDB GetItem failed', {
              cause: new Error('connect ECONNREFUSED'),
            }),
          });
        },
      },
    };
    const result = await run(['users', 'disable', 'alice', '--local'], {
      open: async () => ({
        description: 'broken',
        operator: { actor: ACTOR },
        deps: broken,
        close: async () => undefined,
      }),
    });
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(/error: The store cannot be reached.*ECONNREFUSED/);
    expect(result.closed).toBe(1);
  });

  it('takes a username starting with a dash after --', async () => {
    const result = await run(['users', 'show', '--local', '--', '-alice']);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(/No user named "-alice"/);
  });
});
