/**
 * `--stack`: table names from the stack's outputs, the operator from STS,
 * and failures said in a sentence; the AWS SDK clients are mocked (no test
 * calls AWS).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { openStackTarget, tableOutputKey } from '../../admin/stack-target';
import { AdminError } from '../../admin/target';

const cloudFormation = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ARN = 'arn:aws:sts::123456789012:assumed-role/Oncall/jane';

const OUTPUTS = [
  { OutputKey: 'ApiUrl', OutputValue: 'https://x.execute-api.eu-west-1.amazonaws.com/prod/' },
  { OutputKey: 'UsersTableName', OutputValue: 'Prod-AuthUsers-1' },
  { OutputKey: 'SessionsTableName', OutputValue: 'Prod-AuthSessions-2' },
  { OutputKey: 'RevokedTokensTableName', OutputValue: 'Prod-AuthRevokedTokens-3' },
  { OutputKey: 'LoginAttemptsByAddressTableName', OutputValue: 'Prod-AuthLoginAttempts-4' },
];

beforeEach(() => {
  cloudFormation.reset();
  sts.reset();
  ddb.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: ARN, Account: '123456789012' });
});

describe('openStackTarget', () => {
  it('names the output keys after the tables, as the stack does', () => {
    expect([
      tableOutputKey('users'),
      tableOutputKey('sessions'),
      tableOutputKey('revokedTokens'),
    ]).toEqual(['UsersTableName', 'SessionsTableName', 'RevokedTokensTableName']);
  });

  it('reads the table names from the outputs and acts as the caller’s IAM principal', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Prod' })
      .resolves({ Stacks: [{ StackName: 'Prod', Outputs: OUTPUTS } as never] });
    ddb.on(GetCommand).resolves({
      Item: {
        username: 'alice',
        userId: 'u1',
        passwordHash: 'h',
        createdAt: '2026-01-01T00:00:00Z',
      },
    });
    ddb.on(QueryCommand).resolves({ Items: [] });

    const target = await openStackTarget({
      stackName: 'Prod',
      region: 'eu-west-1',
      profile: 'oncall',
    });
    try {
      expect(target.description).toBe('stack Prod (eu-west-1)');
      expect(target.operator.actor).toBe(ARN);
      await target.deps.users.find('alice');
      await target.deps.sessions.listByUser('u1');
      expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        TableName: 'Prod-AuthUsers-1',
        Key: { username: 'alice' },
      });
      expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.TableName).toBe(
        'Prod-AuthSessions-2',
      );
      await target.deps.lockouts?.lockoutOf('alice');
      expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.TableName).toBe(
        'Prod-AuthLoginAttempts-4',
      );
      // A deployed hash is never weakened by the test variable.
      expect(await target.deps.passwords?.hash('whatever password')).toMatch(/^scrypt\$N=131072,/);
    } finally {
      await target.close();
    }
  });

  it('sets addresses in the Recovery table its output names, and sends no mail', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          Outputs: [...OUTPUTS, { OutputKey: 'RecoveryTableName', OutputValue: 'Prod-Recovery-5' }],
        } as never,
      ],
    });
    ddb.on(GetCommand).resolves({});

    const target = await openStackTarget({ stackName: 'Prod', region: 'eu-west-1' });
    try {
      await target.deps.recovery?.findAddress('a@example.com');
      expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        TableName: 'Prod-Recovery-5',
        Key: { key: 'address#a@example.com' },
      });
      expect(target.deps.mail).toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('says so when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }),
      );
    const opened = openStackTarget({ stackName: 'Nope', region: 'eu-west-1' });
    await expect(opened).rejects.toBeInstanceOf(AdminError);
    await expect(opened).rejects.toThrow(
      'No stack named Nope in eu-west-1; check --stack and --region.',
    );
  });

  it('says so when there are no credentials', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ Outputs: OUTPUTS } as never] });
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    await expect(openStackTarget({ stackName: 'Prod', region: 'eu-west-1' })).rejects.toThrow(
      /No usable AWS credentials .*aws sso login/,
    );
  });

  it('refuses a stack without the table outputs', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        { Outputs: OUTPUTS.filter((output) => output.OutputKey !== 'SessionsTableName') } as never,
      ],
    });
    await expect(openStackTarget({ stackName: 'Other', region: 'eu-west-1' })).rejects.toThrow(
      'The stack Other has no output SessionsTableName: is it a serverless-jwt-auth stack?',
    );
  });
});

describe('openStackTarget without a region', () => {
  it('asks for one', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Region is missing'));
    await expect(openStackTarget({ stackName: 'Prod' })).rejects.toThrow(
      'No AWS region: pass --region, or set AWS_REGION or a region in your profile.',
    );
  });
});
