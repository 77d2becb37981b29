/**
 * The demo page's script: each section of index.html calls one method of the
 * project's client and writes the outcome into the section's live region.
 * Bundled by esbuild when `npm start` serves `/demo.js` (local/demo.ts).
 *
 * `?storage=session` or `?storage=local` keeps the tokens in Web Storage
 * instead of memory, to try reloads and several tabs.
 */
import { ApiError, AuthClientError, createAuthClient, type SessionInfo } from '../client';
import { setUpMfaLogin, setUpMfaSection } from './mfa';
import type { PanelKit } from './panel-kit';
import { installRecoveryPanels } from './recovery';
import { storageChoice } from './storage-choice';

const storage = storageChoice(location.search);

const auth = createAuthClient({ baseUrl: location.origin, storage: storage.make() });

function element<T extends Element>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`demo page: ${selector} is missing`);
  return found;
}

function section(id: string): HTMLElement {
  return element<HTMLElement>(`#${id}`);
}

/** Writes `text` into the live region of section `id`. */
function report(id: string, text: string, ok: boolean): void {
  const result = element<HTMLElement>('.result', section(id));
  result.textContent = text;
  result.className = `result ${ok ? 'ok' : 'bad'}`;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const wait = error.retryAfterSeconds ? ` (retry after ${error.retryAfterSeconds} s)` : '';
    return `${error.status} ${error.code}: ${error.message}${wait}`;
  }
  if (error instanceof AuthClientError) return `${error.code}: ${error.message}`;
  return String(error);
}

/** Runs `action` for section `id`, reporting failures there. */
async function attempt(id: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    report(id, describe(error), false);
  } finally {
    await showState();
  }
}

/** Why the last session ended, until the next login. */
let ended: string | null = null;

async function showState(): Promise<void> {
  const state = element<HTMLElement>('#state');
  if (!(await auth.isLoggedIn())) {
    state.textContent = ended ? `Session ended: ${ended}. Log in again.` : 'Not signed in.';
    return;
  }
  const sid = await auth.sessionId();
  state.textContent = `Signed in (session ${sid?.slice(0, 8) ?? '?'}…).`;
}

/** The access token kept before a logout, to replay it. */
let keptToken: string | null = null;

async function keepToken(): Promise<void> {
  try {
    keptToken = await auth.getAccessToken();
  } catch {
    return;
  }
  element('#old-token').textContent = `${keptToken.slice(0, 24)}…${keptToken.slice(-12)}`;
  element<HTMLButtonElement>('[data-action="replay"]').disabled = false;
}

function formValues(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries(
    [...new FormData(form).entries()].map(([name, value]) => [name, String(value)]),
  );
}

/** {@link PanelKit.onSubmit}: section `id`'s first form, or the one `selector` picks. */
function onSubmit(
  id: string,
  handler: (values: Record<string, string>, form: HTMLFormElement) => Promise<void>,
  selector = 'form',
): void {
  const form = element<HTMLFormElement>(selector, section(id));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(id, () => handler(formValues(form), form));
  });
}

function onClick(action: string, handler: () => Promise<void>): void {
  element(`[data-action="${action}"]`).addEventListener('click', () => void handler());
}

function renderSessions(sessions: SessionInfo[]): void {
  const table = element<HTMLTableElement>('table', section('sessions'));
  const body = element<HTMLTableSectionElement>('tbody', table);
  body.replaceChildren(
    ...sessions.map((session) => {
      const row = document.createElement('tr');
      row.dataset.sessionId = session.session_id;
      if (session.current) row.className = 'current';
      const id = document.createElement('td');
      const code = document.createElement('code');
      code.textContent = `${session.session_id.slice(0, 8)}…`;
      id.append(code);
      if (session.current) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = 'this device';
        id.append(badge);
      }
      const cells = [
        session.created_at,
        session.refreshed_at ?? '—',
        [session.ip, session.user_agent?.slice(0, 40)].filter(Boolean).join(' · ') || '—',
      ].map((text) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        return cell;
      });
      const action = document.createElement('td');
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.dataset.action = 'revoke';
      revoke.textContent = 'Revoke';
      revoke.setAttribute(
        'aria-label',
        `Revoke session ${session.session_id.slice(0, 8)}${session.current ? ' (this device)' : ''}`,
      );
      revoke.addEventListener('click', () =>
        attempt('sessions', async () => {
          if (session.current) await keepToken();
          await auth.revokeSession(session.session_id);
          await loadSessions(`Session ${session.session_id.slice(0, 8)}… revoked.`);
        }),
      );
      action.append(revoke);
      row.append(id, ...cells, action);
      return row;
    }),
  );
  table.hidden = sessions.length === 0;
}

async function loadSessions(done?: string): Promise<void> {
  if (!(await auth.isLoggedIn())) {
    renderSessions([]);
    report('sessions', done ?? 'Not signed in.', done !== undefined);
    return;
  }
  const sessions = await auth.allSessions();
  renderSessions(sessions);
  report(
    'sessions',
    `${done ? `${done} ` : ''}${sessions.length} live session${sessions.length === 1 ? '' : 's'}.`,
    true,
  );
}

onSubmit('register', async ({ username = '', password = '', email = '' }) => {
  const user = await auth.register({ username, password, ...(email ? { email } : {}) });
  report('register', `Registered ${user.username} (user ${user.user_id}). Now log in.`, true);
  element<HTMLInputElement>('#login-username').value = user.username;
});

function loggedIn(sessionId: string | null): void {
  ended = null;
  report('login', `Logged in: session ${sessionId?.slice(0, 8) ?? '?'}…`, true);
}

/** What the sections of mfa.ts and recovery.ts borrow. */
const kit: PanelKit = { auth, report, onSubmit };

/** A login whose password was right but that needs a code asks for it (demo/mfa.ts). */
const askForCode = setUpMfaLogin(kit, loggedIn);

onSubmit('login', async ({ username = '', password = '' }) => {
  const done = await auth.login({ username, password }).catch(askForCode);
  if (done) loggedIn(done.sessionId);
});

onClick('me', () =>
  attempt('me', async () => {
    report('me', JSON.stringify(await auth.me(), null, 2), true);
  }),
);

onClick('sessions', () => attempt('sessions', () => loadSessions()));

onSubmit('password', async ({ current = '', new: next = '' }) => {
  await auth.changePassword({ currentPassword: current, newPassword: next });
  report('password', 'Password changed; every other session has been logged out.', true);
});

onClick('logout', () =>
  attempt('logout', async () => {
    await keepToken();
    await auth.logout();
    report('logout', 'Logged out: both tokens of this session are revoked.', true);
  }),
);

onClick('logout-all', () =>
  attempt('logout', async () => {
    await keepToken();
    await auth.logoutAll();
    report('logout', 'Logged out everywhere: every session of the account is revoked.', true);
  }),
);

onClick('replay', () =>
  attempt('replay', async () => {
    if (!keptToken) return;
    // Plain fetch, not the client: an attacker replays the token as is, with no refresh.
    const response = await fetch('/auth/me', { headers: { Authorization: `Bearer ${keptToken}` } });
    const text = await response.text();
    const verdict = response.status === 401 ? 'refused, as it should be' : 'accepted!';
    report(
      'replay',
      `${response.status} ${response.statusText}: ${verdict}\n${text}`,
      response.status === 401,
    );
  }),
);

auth.on('session-ended', ({ reason }) => {
  const why = {
    refresh_refused: 'the API refused the refresh token (logged out or revoked elsewhere)',
    logout: 'logged out',
    other_tab: 'another tab logged out',
  }[reason];
  ended = why;
  renderSessions([]);
  void showState();
});

setUpMfaSection(kit);
installRecoveryPanels(kit);

element('#storage-kind').textContent = storage.label;
void showState();
