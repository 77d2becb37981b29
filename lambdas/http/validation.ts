/** Turns a zod schema failure into a 400 that names the offending field. */
import type * as z from 'zod/mini';
import { ERROR_MESSAGES } from '../contract/errors';
import { InvalidRequestError } from '../errors';

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  return field
    ? `Invalid field "${field}": ${issue.message}`
    : `Invalid request body: ${issue.message}`;
}

/** The parsed input, or an `InvalidRequestError` naming the first bad field. */
export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  throw new InvalidRequestError(first ? describeIssue(first) : ERROR_MESSAGES.invalidBody);
}
