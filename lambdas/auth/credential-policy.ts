/**
 * The policy for credentials being chosen, one function each: every path
 * that sets a username or a password calls it (register, password change,
 * an operator's reset, and whatever comes next), so none can skip a rule.
 * The HTTP schemas only parse; login applies no policy, so that every
 * account keeps logging in (`credentials-rules.ts`).
 */
import { InvalidRequestError } from '../errors';
import { isCommonPassword } from './common-passwords';
import {
  COMMON_PASSWORD_PROBLEM,
  isWellFormed,
  normaliseUsername,
  passwordProblem,
  usernameProblem,
} from './credentials-rules';

const NOT_WELL_FORMED = 'must be well-formed Unicode text (no unpaired surrogates)';

function refuse(field: string, problem: string): never {
  throw new InvalidRequestError(`Invalid field "${field}": ${problem}`);
}

/**
 * The normalised form of a username being chosen; `InvalidRequestError`
 * (400) naming `field` when the rules refuse it.
 */
export function assertNewUsername(raw: string, field = 'username'): string {
  if (!isWellFormed(raw)) refuse(field, NOT_WELL_FORMED);
  const username = normaliseUsername(raw);
  const problem = usernameProblem(username);
  if (problem) refuse(field, problem);
  return username;
}

/**
 * Checks a password being chosen: 8–256 code points of well-formed text,
 * not a common or breached password; `InvalidRequestError` (400) naming
 * `field` otherwise.
 */
export function assertNewPassword(password: string, field = 'password'): void {
  const problem =
    passwordProblem(password) ??
    (isWellFormed(password) ? undefined : NOT_WELL_FORMED) ??
    (isCommonPassword(password) ? COMMON_PASSWORD_PROBLEM : undefined);
  if (problem) refuse(field, problem);
}
