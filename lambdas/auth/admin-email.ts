/**
 * `users set-email`: an operator puts an address on an account. Two ways,
 * chosen by the operator and recorded in the audit:
 * - by default the address is set unverified and a verification link is
 *   sent to it, exactly as when the user sets it (`POST /auth/email`): it
 *   becomes verified only when its owner opens the link, so an operator's
 *   typo never routes password resets to a stranger;
 * - with `verified`, the operator vouches for it (checked out of band): it
 *   is verified at once, and nothing is sent to it.
 * Either way the address stays unique among verified accounts: an address
 * another account holds verified is refused and said plainly (an operator
 * may know; nothing is enumerated to the public), and a verified address is
 * claimed by the same conditional put as a verification. The change ends any
 * open reset token (the same write as a user's change), and the verified
 * address it replaces is released and told, when the target sends mail.
 */
import { type AdminDeps, audit, findUser, type Operator, record } from './admin';
import { claimAddress, type EmailDeps, offerAddress, otherHolder } from './email';
import { assertNewEmail } from './email-address';
import { addressChangedMail } from './email-messages';
import { verifiedEmailOf } from './ports';

/** The address is verified on another account: nothing changed. */
export class AddressTakenError extends Error {
  override readonly name = 'AddressTakenError';
}

/** This target cannot send the verification link. */
export class MailUnavailableError extends Error {
  override readonly name = 'MailUnavailableError';
}

export interface SetEmailResult {
  username: string;
  userId: string;
  email: string;
  verified: boolean;
  /** False when the account already held the address verified: nothing changed or was sent. */
  changed: boolean;
  /** A verification link was sent to the address. */
  linkSent: boolean;
  /** The verified address replaced, if any, and whether it was told. */
  previous?: { email: string; notified: boolean };
}

/** What a verification link needs: this target's sender and settings; `MailUnavailableError` without. */
function linkSender(deps: AdminDeps): Pick<EmailDeps, 'mail' | 'email'> {
  if (!deps.mail || !deps.email) {
    throw new MailUnavailableError(
      'This target sends no mail, so no verification link can reach the address: pass --verified if you checked the address yourself, or let the user set it (POST /auth/email).',
    );
  }
  return { mail: deps.mail, email: deps.email };
}

/** Sets `rawEmail` on the user named `rawName`; see the module's comment. */
export async function setUserEmail(
  deps: AdminDeps,
  rawName: string,
  rawEmail: string,
  { verified }: { verified: boolean },
  operator: Operator,
): Promise<SetEmailResult> {
  const email = assertNewEmail(rawEmail, 'address');
  const { recovery, users, clock, mail } = deps;
  if (!recovery)
    throw new Error('This target keeps no recovery table (deployed before recovery by e-mail).');
  const user = await findUser(users, rawName);
  const base = { username: user.username, userId: user.userId, email };
  if (verifiedEmailOf(user) === email) {
    return { ...base, verified: true, changed: false, linkSent: false };
  }
  const sender = verified ? undefined : linkSender(deps);
  const holder = await otherHolder({ users, recovery }, email, user.userId);
  if (holder) {
    throw new AddressTakenError(
      `${email} is verified on another account (${holder.username}); nothing changed.`,
    );
  }
  await record(deps, 'set_email', operator, user, {
    email,
    verified: verified ? 'by operator' : 'link sent',
  });
  const previous = verifiedEmailOf(user);
  if (sender) {
    // The user's own path: the token, the write that ends any reset token, the notices.
    await offerAddress({ users, recovery, clock, ...sender }, user, email);
  } else {
    const verifiedAt = clock().toISOString();
    if (!(await claimAddress({ users, recovery }, { ...base, verifiedAt }))) {
      throw new AddressTakenError(
        `${email} was just verified on another account; nothing changed.`,
      );
    }
    if (!(await recovery.setEmail({ ...base, verifiedAt }))) {
      throw new Error(`${user.username} changed meanwhile; run the command again.`);
    }
    if (previous !== undefined) {
      await recovery.releaseAddress(previous, user.userId);
      if (mail) await mail.send(addressChangedMail(previous));
    }
  }
  const notified = previous !== undefined && mail !== undefined;
  audit('set_email', operator, user, { verified, previousNotified: notified });
  return {
    ...base,
    verified,
    changed: true,
    linkSent: sender !== undefined,
    ...(previous !== undefined ? { previous: { email: previous, notified } } : {}),
  };
}
