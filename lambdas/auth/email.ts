/**
 * The account's e-mail address: set (at register, or later with the current
 * password), verified by a token sent to it, unique among verified accounts.
 *
 * Uniqueness: the recovery table holds one owner item per verified address,
 * written by a conditional put when the address is verified. An owner item
 * whose account no longer holds the address verified (it changed it, and the
 * release was lost) is stale and is taken over, conditionally on the stale
 * owner, so a lost write never blocks an address for good.
 *
 * No enumeration: setting an address that another account has verified
 * answers exactly as a success does. Nothing is sent to verify it; the
 * address gets a notice instead, and the requester's account shows the
 * address unverified, as after any change, until a verification that cannot
 * come.
 */
import type { Clock } from '../clock';
import { epochSeconds } from '../clock';
import { ERROR_MESSAGES } from '../contract/errors';
import { InvalidCredentialsError, InvalidGrantError } from '../errors';
import { log } from '../log';
import { type Caller, type CallerCheckDeps, checkCaller, currentPassword } from './caller-check';
import { assertNewEmail } from './email-address';
import { addressChangedMail, addressInUseMail, verificationMail } from './email-messages';
import type { PasswordHasher } from './passwords';
import type {
  AddressClaim,
  ClientInfo,
  MailSender,
  RecoveryStore,
  UserRecord,
  UserStore,
} from './ports';
import { verifiedEmailOf } from './ports';
import { admitMessage, admitRecoveryRequest, type RecoveryLimitDeps } from './recovery-limits';
import {
  hashRecoveryToken,
  isRecoveryTokenShape,
  newRecoveryToken,
  recoveryLink,
} from './recovery-tokens';

export interface EmailSettings {
  /** The page a link opens (`?token=` is added). */
  linkBaseUrl: string;
  verificationTtlSeconds: number;
}

export interface EmailDeps {
  users: Pick<UserStore, 'find'>;
  recovery: RecoveryStore;
  mail: MailSender;
  clock: Clock;
  email: EmailSettings;
  /**
   * The hourly limit of messages to one address (`admitMessage`): the
   * routes' own; an operator's change (admin CLI) has none.
   */
  messageLimits?: RecoveryLimitDeps;
}

/** The account of `claim`, while it still holds the address verified (a live claim). */
export async function holderOf(
  users: Pick<UserStore, 'find'>,
  claim: AddressClaim,
): Promise<UserRecord | undefined> {
  const owner = await users.find(claim.username);
  return owner?.userId === claim.userId && verifiedEmailOf(owner) === claim.email
    ? owner
    : undefined;
}

/** Whether the account of `claim` still holds its address verified (a live claim). */
export async function isHeld(
  users: Pick<UserStore, 'find'>,
  claim: AddressClaim,
): Promise<boolean> {
  return (await holderOf(users, claim)) !== undefined;
}

/** The account other than `userId` that holds `email` verified, if any. */
export async function otherHolder(
  { users, recovery }: Pick<EmailDeps, 'users' | 'recovery'>,
  email: string,
  userId: string,
): Promise<AddressClaim | undefined> {
  const claim = await recovery.findAddress(email);
  if (!claim || claim.userId === userId) return undefined;
  return (await isHeld(users, claim)) ? claim : undefined;
}

/**
 * Puts `email` on the account, unverified, and sends what goes with it: a
 * verification link, or (the address is another account's) a notice to
 * the address; a notice to the verified address it replaces. Every open
 * reset token ends with the change.
 */
export async function offerAddress(
  deps: EmailDeps,
  user: Pick<UserRecord, 'username' | 'userId'> & Partial<UserRecord>,
  email: string,
): Promise<void> {
  const { recovery, mail, clock, email: settings } = deps;
  const previous = verifiedEmailOf(user);
  const taken = await otherHolder(deps, email, user.userId);
  const expiresAt = epochSeconds(clock()) + settings.verificationTtlSeconds;
  // Beyond the address's hourly limit the change is stored as ever, and nothing goes to it.
  const mayMail = !deps.messageLimits || (await admitMessage(deps.messageLimits, email));
  const issued = taken || !mayMail ? undefined : newRecoveryToken();
  if (issued) {
    // Saved first: a token item whose account never got its hash verifies nothing.
    await recovery.saveToken({
      tokenHash: issued.hash,
      purpose: 'verify_email',
      userId: user.userId,
      username: user.username,
      email,
      expiresAt,
    });
  }
  const changed = await recovery.setEmail({
    username: user.username,
    userId: user.userId,
    email,
    ...(issued ? { token: { hash: issued.hash, expiresAt } } : {}),
  });
  if (!changed) throw new InvalidCredentialsError('The current password is wrong.');
  if (previous !== undefined && previous !== email) {
    await recovery.releaseAddress(previous, user.userId);
    await mail.send(addressChangedMail(previous));
  }
  if (!mayMail) {
    log('warn', 'no message sent: the address reached its hourly limit', { userId: user.userId });
    return;
  }
  await mail.send(
    issued
      ? verificationMail(
          email,
          recoveryLink(settings.linkBaseUrl, issued.token),
          Math.round(settings.verificationTtlSeconds / 3600),
        )
      : addressInUseMail(email),
  );
}

export interface EmailChangeRequest {
  email: string;
  currentPassword: string;
}

/** What the caller's account shows after a change. */
export interface EmailState {
  email: string;
  verified: boolean;
}

/**
 * `POST /auth/email`: the current password, then the address (unverified
 * until its link comes back). The address the account already holds
 * verified changes nothing and sends nothing. A bad address is
 * `InvalidRequestError` (400) before the password is checked.
 */
export async function changeEmail(
  deps: EmailDeps & CallerCheckDeps & { passwords: PasswordHasher },
  caller: Caller,
  { email: raw, currentPassword: password }: EmailChangeRequest,
  client: ClientInfo,
): Promise<EmailState> {
  const email = assertNewEmail(raw);
  const { user } = await checkCaller(
    deps,
    caller,
    client,
    currentPassword(deps.passwords, password),
    ERROR_MESSAGES.wrongCurrentPassword,
  );
  if (verifiedEmailOf(user) === email) return { email, verified: true };
  await offerAddress(deps, user, email);
  return { email, verified: false };
}

/** The limits of a verification from the API (an operator's has none): who asks. */
export interface VerifyLimit {
  deps: RecoveryLimitDeps;
  client: ClientInfo;
}

/**
 * `POST /auth/email/verify`: the token sent to the address. Unknown, used,
 * superseded (a newer address or token) or expired: `InvalidGrantError`
 * (400), nothing changed. So is an address another account verified
 * meanwhile. With `limited`, the try counts on the client's limit, and a
 * token of ours on its account's and address's (`recovery-limits.ts`):
 * `TooManyRequestsError` (429) beyond one.
 */
export async function verifyEmail(
  deps: EmailDeps,
  token: string,
  limited?: VerifyLimit,
): Promise<void> {
  const { users, recovery, clock } = deps;
  // Every try counts on its client's limit, a malformed token too.
  if (limited) await admitRecoveryRequest(limited.deps, 'verify', { client: limited.client });
  if (!isRecoveryTokenShape(token)) throw new InvalidGrantError();
  const tokenHash = hashRecoveryToken(token);
  const record = await recovery.findToken(tokenHash);
  const now = epochSeconds(clock());
  if (record?.purpose !== 'verify_email' || record.email === undefined || record.expiresAt <= now) {
    throw new InvalidGrantError();
  }
  if (limited) {
    await admitRecoveryRequest(limited.deps, 'verify', {
      account: record.username,
      address: record.email,
    });
  }
  const user = await users.find(record.username);
  if (
    user?.userId !== record.userId ||
    user.email !== record.email ||
    user.emailTokenHash !== tokenHash
  ) {
    throw new InvalidGrantError();
  }
  const claim: AddressClaim = {
    email: record.email,
    userId: user.userId,
    username: user.username,
    verifiedAt: clock().toISOString(),
  };
  if (!(await claimAddress(deps, claim))) throw new InvalidGrantError();
  const confirmed = await recovery.confirmEmail({
    username: user.username,
    userId: user.userId,
    email: record.email,
    tokenHash,
    at: claim.verifiedAt,
    now,
  });
  // A concurrent change or verification won; the claim made above is stale and will be taken over.
  if (!confirmed) throw new InvalidGrantError();
  await recovery.deleteToken(tokenHash);
}

/** Makes `claim.userId` the address's owner unless another account holds it verified. */
export async function claimAddress(
  { users, recovery }: Pick<EmailDeps, 'users' | 'recovery'>,
  claim: AddressClaim,
): Promise<boolean> {
  if (await recovery.claimAddress(claim)) return true;
  const current = await recovery.findAddress(claim.email);
  if (!current) return recovery.claimAddress(claim);
  if (await isHeld(users, current)) return false;
  return recovery.claimAddress(claim, current.userId);
}
