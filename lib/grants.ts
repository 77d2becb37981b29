/**
 * Least privilege from the shared route table: a function gets exactly the
 * DynamoDB actions its `FunctionSpec` lists per table, and exactly its KMS
 * actions on the signing key. No `grant*` helper is used because each of them
 * grants more than one function needs.
 */

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { FunctionSpec } from '../lambdas/contract/routes';
import type { TableName } from '../lambdas/contract/tables';

export interface GrantTargets {
  tables: Record<TableName, ITable>;
  /** The current signing key. */
  key: IKey;
  /** The other keys still (or already) listed during a rotation: the same key actions apply. */
  otherKeys?: readonly IKey[];
  /** The HMAC key of opaque refresh tokens. */
  refreshKey?: IKey;
  /** The key the TOTP secrets are encrypted under. */
  totpKey?: IKey;
  /** Envelope mode: the symmetric key the signing private key is encrypted under. */
  envelopeKey?: IKey;
  /**
   * E-mail on (`emailFrom`): the SES resources the e-mail functions may send
   * through: the sender's identities (the address and its domain, whichever
   * of the two is verified) and the configuration set, if any.
   */
  email?: { resources: string[] };
}

/** The IAM statements a function spec asks for; empty tables and keys yield none. */
export function statementsFor(spec: FunctionSpec, targets: GrantTargets): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const [name, actions] of Object.entries(spec.tables) as [TableName, string[]][]) {
    if (actions.length === 0) continue;
    statements.push(
      new PolicyStatement({
        sid: `${name}Table`.replace(/^./, (c) => c.toUpperCase()),
        actions: actions.map((action) => `dynamodb:${action}`),
        // The tables have no indexes, so Query needs the table ARN alone.
        resources: [targets.tables[name].tableArn],
      }),
    );
  }
  if (spec.key.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'SigningKey',
        actions: [...spec.key],
        resources: [targets.key, ...(targets.otherKeys ?? [])].map((key) => key.keyArn),
      }),
    );
  }
  if (spec.refreshKey?.length) {
    if (!targets.refreshKey) throw new Error(`${spec.id} needs the refresh-token key.`);
    statements.push(
      new PolicyStatement({
        sid: 'RefreshTokenKey',
        actions: [...spec.refreshKey],
        resources: [targets.refreshKey.keyArn],
      }),
    );
  }
  if (spec.email && targets.email) {
    statements.push(
      new PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail'],
        resources: targets.email.resources,
      }),
    );
  }
  if (spec.totpKey?.length) {
    if (!targets.totpKey) throw new Error(`${spec.id} needs the TOTP secrets' key.`);
    statements.push(
      new PolicyStatement({
        sid: 'TotpSecretKey',
        actions: [...spec.totpKey],
        resources: [targets.totpKey.keyArn],
      }),
    );
  }
  if (spec.envelopeKey?.length && targets.envelopeKey) {
    statements.push(
      new PolicyStatement({
        sid: 'EnvelopeKey',
        actions: [...spec.envelopeKey],
        resources: [targets.envelopeKey.keyArn],
      }),
    );
  }
  return statements;
}

/** Adds the statements of {@link statementsFor} to the grantee's policy. */
export function grantSpec(grantee: IGrantable, spec: FunctionSpec, targets: GrantTargets): void {
  for (const statement of statementsFor(spec, targets)) {
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}
