/**
 * The texts of the messages, one function each. Short, plain text, and
 * never the username: a message may reach someone who does not own the
 * account (a mistyped address), and it must not tell them whose it is.
 */
import type { OutgoingMail } from './ports';

/** The product's name in subjects; messages say no more about the account. */
const PRODUCT = 'your account';

/** The link that verifies `to` for the account that asked. */
export function verificationMail(to: string, link: string, hours: number): OutgoingMail {
  return {
    to,
    subject: `Confirm your e-mail address for ${PRODUCT}`,
    text: [
      'Someone asked to use this address for an account.',
      `If it was you, open this link within ${hours} hours to confirm it:`,
      '',
      link,
      '',
      'If it was not you, ignore this message: nothing changes.',
    ].join('\n'),
    link,
  };
}

/** To an address already verified on an account, which another account tried to use. */
export function addressInUseMail(to: string): OutgoingMail {
  return {
    to,
    subject: `Your e-mail address was entered for another account`,
    text: [
      'Someone tried to add this address to an account, but it is already',
      'confirmed on an account. Nothing changed, and no confirmation link was sent.',
      'If it was not you, you need not do anything.',
    ].join('\n'),
  };
}

/** To the verified address an account just replaced. */
export function addressChangedMail(to: string): OutgoingMail {
  return {
    to,
    subject: `Your account's e-mail address was changed`,
    text: [
      'The e-mail address of an account that used this address was just changed,',
      'and this address no longer receives its password resets.',
      'If you did not make this change, reset your password and contact support.',
    ].join('\n'),
  };
}
