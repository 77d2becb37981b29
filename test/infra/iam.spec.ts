import { AUTHORIZER, type FunctionSpec, PUBLIC_KEY_READER } from '../../lambdas/contract/routes';
import { TABLES, type TableName } from '../../lambdas/contract/tables';
import type { AuthFunction } from '../../lib/auth-function';
import {
  actionsOf,
  DEFAULT_ROUTES,
  resourcesOf,
  roleStatements,
  type Statement,
  synthStack,
} from './stack';

const DYNAMODB_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
];

const XRAY_WRITES = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** The statement active tracing adds: X-Ray's two write actions, nothing else. */
function isXrayTracing(statement: Statement): boolean {
  return actionsOf(statement).every((action) => XRAY_WRITES.includes(action));
}

describe('IAM least privilege', () => {
  const { stack, template, logicalId } = synthStack();
  const fnOf = (spec: FunctionSpec): AuthFunction => {
    const fn =
      spec.id === AUTHORIZER.id
        ? stack.auth.authApi.authorizerFunction
        : spec.id === PUBLIC_KEY_READER.id
          ? stack.auth.signingPublicKey.reader
          : stack.auth.authApi.functions[spec.id];
    if (!fn) throw new Error(`no function for ${spec.id}`);
    return fn;
  };
  const statementsOf = (spec: FunctionSpec): Statement[] =>
    roleStatements(template, logicalId(fnOf(spec).role));
  const tableArn = (name: TableName) => ({
    'Fn::GetAtt': [logicalId(stack.auth.tables.byName[name]), 'Arn'],
  });
  const keyArn = () => ({ 'Fn::GetAtt': [logicalId(stack.auth.signingKey.key), 'Arn'] });
  const refreshKeyArn = () => ({
    'Fn::GetAtt': [logicalId(stack.auth.refreshTokenKey.key), 'Arn'],
  });
  const totpKeyArn = () => ({
    'Fn::GetAtt': [logicalId(stack.auth.totpSecretKey.key), 'Arn'],
  });
  const logGroupArn = (spec: FunctionSpec) => ({
    'Fn::GetAtt': [logicalId(fnOf(spec).logGroup), 'Arn'],
  });
  /** Statements other than writing to the function's own log group or sending X-Ray traces. */
  const dataStatements = (spec: FunctionSpec) =>
    statementsOf(spec).filter(
      (s) => !actionsOf(s).every((a) => a.startsWith('logs:')) && !isXrayTracing(s),
    );

  describe('the authorizer', () => {
    const statements = statementsOf(AUTHORIZER);
    const actions = statements.flatMap(actionsOf);

    it('contains no DynamoDB write action', () => {
      for (const write of DYNAMODB_WRITES) expect(actions).not.toContain(write);
    });

    it('cannot sign', () => {
      expect(actions).not.toContain('kms:Sign');
    });

    it('may only GetItem on RevokedTokens: no KMS access at all', () => {
      expect(
        dataStatements(AUTHORIZER).map((s) => ({
          actions: actionsOf(s),
          resources: resourcesOf(s),
        })),
      ).toEqual([{ actions: ['dynamodb:GetItem'], resources: [tableArn('revokedTokens')] }]);
    });

    it('may otherwise only write its own log group (and X-Ray traces)', () => {
      const logs = statementsOf(AUTHORIZER).filter(
        (s) => !dataStatements(AUTHORIZER).includes(s) && !isXrayTracing(s),
      );
      expect(logs.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(logs.flatMap(resourcesOf)).toEqual([logGroupArn(AUTHORIZER)]);
    });
  });

  it('lets only the deploy-time key reader read the public key, and nothing else', () => {
    const readers = [...DEFAULT_ROUTES, AUTHORIZER, PUBLIC_KEY_READER]
      .filter((spec) => statementsOf(spec).flatMap(actionsOf).includes('kms:GetPublicKey'))
      .map((spec) => spec.id);
    expect(readers).toEqual([PUBLIC_KEY_READER.id]);
    expect(
      dataStatements(PUBLIC_KEY_READER).map((s) => ({
        actions: actionsOf(s),
        resources: resourcesOf(s),
      })),
    ).toEqual([{ actions: ['kms:GetPublicKey'], resources: [keyArn()] }]);
  });

  it('grants kms:Sign to the token-issuing functions only (Login, Refresh, the second factor’s verify and step-up)', () => {
    const signers = [...DEFAULT_ROUTES, AUTHORIZER]
      .filter((spec) => statementsOf(spec).flatMap(actionsOf).includes('kms:Sign'))
      .map((spec) => spec.id);
    expect(signers.sort()).toEqual(['Login', 'MfaStepUp', 'MfaVerify', 'Refresh']);
  });

  it('lets only the enrolment encrypt a TOTP secret, and only the code checks decrypt one, in the key policy too', () => {
    const using = (action: string) =>
      [...DEFAULT_ROUTES, AUTHORIZER]
        .filter((spec) => statementsOf(spec).flatMap(actionsOf).includes(action))
        .map((spec) => spec.id)
        .sort();
    expect(using('kms:Encrypt')).toEqual(['MfaTotpBegin']);
    expect(using('kms:Decrypt').filter((id) => id.startsWith('Mfa'))).toEqual(
      DEFAULT_ROUTES.filter((route) => route.totpKey?.includes('kms:Decrypt'))
        .map((route) => route.id)
        .sort(),
    );
    const policy = template.toJSON().Resources[logicalId(stack.auth.totpSecretKey.key)].Properties
      .KeyPolicy.Statement as { Sid?: string; Effect: string; Action: string | string[] }[];
    expect(
      policy
        .filter((statement) => statement.Effect === 'Deny')
        .map((statement) => statement.Sid)
        .sort(),
    ).toEqual([
      'DenyDecryptToEveryoneElse',
      'DenyEncryptToEveryoneElse',
      'DenyGrantsNotForAwsResources',
    ]);
  });

  it.each(DEFAULT_ROUTES.map((route) => [route.id, route] as const))(
    'grants %s exactly the table and key actions of its spec',
    (_id, spec) => {
      const expected = [
        ...(Object.entries(spec.tables) as [TableName, string[]][])
          .filter(([, actions]) => actions.length > 0)
          .map(([name, actions]) => ({
            actions: actions.map((a) => `dynamodb:${a}`),
            resources: [tableArn(name)],
          })),
        ...(spec.key.length > 0 ? [{ actions: [...spec.key], resources: [keyArn()] }] : []),
        ...(spec.refreshKey?.length
          ? [{ actions: [...spec.refreshKey], resources: [refreshKeyArn()] }]
          : []),
        ...(spec.totpKey?.length
          ? [{ actions: [...spec.totpKey], resources: [totpKeyArn()] }]
          : []),
      ];
      expect(
        dataStatements(spec).map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) })),
      ).toEqual(expected);
    },
  );

  it('gives every function exactly the two X-Ray write actions of active tracing', () => {
    for (const spec of [...DEFAULT_ROUTES, AUTHORIZER]) {
      const tracing = statementsOf(spec).filter(isXrayTracing);
      expect(tracing.map((s) => actionsOf(s).sort())).toEqual([XRAY_WRITES]);
    }
  });

  it('has no wildcard action and no wildcard resource in any policy but X-Ray writes', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      // X-Ray has no resource-level permissions: its two write actions are granted on "*".
      .filter((statement) => !isXrayTracing(statement));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
      for (const resource of resourcesOf(statement)) {
        expect(resource).not.toBe('*');
        // A resource built by string joining (e.g. "<table arn>/*") would show up here.
        expect(JSON.stringify(resource)).not.toContain('*');
      }
    }
  });

  it('grants table actions on table ARNs only, never on index or stream ARNs', () => {
    const tableIds = (Object.keys(TABLES) as TableName[]).map((name) =>
      logicalId(stack.auth.tables.byName[name]),
    );
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const onTables = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(onTables.length).toBeGreaterThan(0);
    for (const statement of onTables) {
      for (const resource of resourcesOf(statement)) {
        expect(resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        const [id] = (resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
        expect(tableIds).toContain(id);
      }
    }
  });
});
