/**
 * The texts of the messages, one function each. Short, plain text, and
 * never the username: a message may reach someone who does not own the
 * account (a mistyped address), and it must not tell them whose it is.
 */
import type { OutgoingMail } from './ports';

/** The link that verifies `to` for the account that asked. */
export function verificationMail(to: string, link: string, hours: number): OutgoingMail {
  return {
    to,
    subject: 'Confirm your e-mail address',
    text: `To use this address for your account, open this link within ${hours} hours:\n\n${link}\n\nNot you? Ignore this message.`,
    link,
  };
}

/** To an address already verified on an account, which another account tried to use. */
export function addressInUseMail(to: string): OutgoingMail {
  return {
    to,
    subject: 'Your e-mail address was entered for another account',
    text: 'Someone tried to add this address to another account. Nothing changed.',
  };
}

/** To the verified address an account just replaced. */
export function addressChangedMail(to: string): OutgoingMail {
  return {
    to,
    subject: 'Your e-mail address was changed',
    text: "Your account's e-mail address was changed; this one no longer receives password resets. Not you? Reset your password.",
  };
}

/** The link that sets a new password for the account whose verified address `to` is. */
export function resetMail(to: string, link: string, minutes: number): OutgoingMail {
  return {
    to,
    subject: 'Reset your password',
    text: `To choose a new password, open this link within ${minutes} minutes:\n\n${link}\n\nNot you? Ignore this message; your password stays as it is.`,
    link,
  };
}

/** To the verified address of an account whose password was just reset with a link. */
export function passwordResetMail(to: string): OutgoingMail {
  return {
    to,
    subject: 'Your password was reset',
    text: 'Your password was reset with a link sent to this address, and every session was signed out. Not you? Reset it again at once.',
  };
}
