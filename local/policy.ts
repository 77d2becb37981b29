/**
 * How API Gateway reads a Lambda authorizer's IAM policy: an explicit Deny
 * that covers the method ARN wins, then an Allow that covers it; anything else
 * is an implicit deny.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/** `*` matches any run of characters and `?` exactly one, as in IAM resource ARNs. */
function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((char) => {
      if (char === '*') return '.*';
      if (char === '?') return '.';
      return char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function covers(statement: Record<string, unknown>, methodArn: string): boolean {
  const actions = asList(statement.Action);
  const actionCovered = actions.some((action) => wildcardMatches(action, 'execute-api:Invoke'));
  const resourceCovered = asList(statement.Resource).some((resource) =>
    wildcardMatches(resource, methodArn),
  );
  return actionCovered && resourceCovered;
}

/** True when the policy allows invoking `methodArn`. */
export function policyAllows(
  policy: APIGatewayAuthorizerResult['policyDocument'],
  methodArn: string,
): boolean {
  const statements = (policy.Statement ?? []) as unknown as Record<string, unknown>[];
  const applicable = statements.filter((statement) => covers(statement, methodArn));
  if (applicable.some((statement) => statement.Effect === 'Deny')) return false;
  return applicable.some((statement) => statement.Effect === 'Allow');
}
