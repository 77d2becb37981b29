import { Match } from 'aws-cdk-lib/assertions';
import { TABLES, type TableName } from '../../lambdas/contract/tables';
import { synthStack } from './stack';

const TABLE_NAMES = Object.keys(TABLES) as TableName[];

describe('DynamoDB tables', () => {
  const { stack, template, logicalId } = synthStack();
  const tableResource = (name: TableName) =>
    template.toJSON().Resources[logicalId(stack.auth.tables.byName[name])];

  it('creates exactly the tables of the shared definition', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', TABLE_NAMES.length);
  });

  it('keys RevokedTokens by jti with expiresAt as its TTL attribute', () => {
    expect(tableResource('revokedTokens').Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'jti', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'jti', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keys Sessions by userId and sessionId with expiresAt as its TTL attribute', () => {
    expect(tableResource('sessions').Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'sessionId', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keys LoginAttempts by account, then client address, with expiresAt as its TTL attribute', () => {
    expect(tableResource('loginAttempts').Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'account', KeyType: 'HASH' },
        { AttributeName: 'address', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'account', AttributeType: 'S' },
        { AttributeName: 'address', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives Users no TTL, because a user never expires', () => {
    expect(tableResource('users').Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
    });
    expect(tableResource('users').Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it.each(TABLE_NAMES)('bills %s per request', (name) => {
    expect(tableResource(name).Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it.each(TABLE_NAMES)('turns on point-in-time recovery for %s', (name) => {
    expect(tableResource(name).Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it.each(TABLE_NAMES)('encrypts %s with the AWS managed key', (name) => {
    // SSEEnabled without a KMSMasterKeyId is CloudFormation's form of the aws/dynamodb key.
    expect(tableResource(name).Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('retains every table on stack deletion by default', () => {
    template.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('deletes every table with the stack when retain=false (throw-away dev stages)', () => {
    const dev = synthStack({ retain: 'false' });
    dev.template.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});
