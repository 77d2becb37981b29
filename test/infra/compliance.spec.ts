/**
 * The compliance profile (context `compliance=true`) as deployed: the keys
 * and their policies, a year of logs, the encrypted alarm topic, the backup
 * plan, WAF logging, the VPC placement from explicit ids, and the findings
 * table. The packs themselves run in compliance-checks.test.ts (slow).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { TABLES } from '../../lambdas/contract/tables';
import {
  COMPLIANCE_FINDINGS,
  type ComplianceFinding,
  findingIds,
} from '../../lib/compliance-findings';
import { readStackConfig, StackConfigError } from '../../lib/config';
import { JwtAuth } from '../../lib/jwt-auth';
import { DEFAULT_ROUTES, EMAIL_CONTEXT, synthStack, testApp } from './stack';

const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);

type Resources = Record<
  string,
  {
    Type: string;
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
    DependsOn?: string[];
  }
>;

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  vpcSubnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
  vpcRouteTableIds: 'rtb-0123456789abcdef0,rtb-0fedcba9876543210',
  vpcPrefixListIds: 'pl-63a5400a,pl-02cd2c6b',
};

function profile(context: Record<string, unknown> = {}) {
  const synthesized = synthStack({ compliance: 'true', waf: 'true', ...context });
  const { stack, template, logicalId } = synthesized;
  const resources = template.toJSON().Resources as Resources;
  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const profileParts = stack.auth.compliance;
  if (!profileParts) throw new Error('the profile is off');
  const keyStatements = (key: Parameters<typeof logicalId>[0]): PolicyStatement[] => {
    const policy = resources[logicalId(key)]?.Properties.KeyPolicy as
      | { Statement: PolicyStatement[] }
      | undefined;
    return policy?.Statement ?? [];
  };
  return { ...synthesized, resources, ofType, profile: profileParts, keyStatements };
}

describe('the compliance profile', () => {
  describe('off (the default)', () => {
    const { stack, template } = synthStack({ waf: 'true' });

    it('adds nothing: no backup, no extra key, no encrypted log group, no VPC', () => {
      expect(stack.auth.compliance).toBeUndefined();
      template.resourceCountIs('AWS::Backup::BackupPlan', 0);
      template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key.Properties.Description).not.toMatch(/^serverless-jwt-auth: encrypts/);
        expect(JSON.stringify(key.Properties.KeyPolicy)).not.toContain('BoolIfExists');
      }
      template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.absent() });
    });
  });

  describe('on', () => {
    const {
      template,
      resources,
      ofType,
      profile: parts,
      logicalId,
      keyStatements,
      stack,
    } = profile();
    const logsKey = { 'Fn::GetAtt': [logicalId(parts.logsKey), 'Arn'] };

    it('encrypts every log group of the stack with one customer-managed key', () => {
      const groups = ofType('AWS::Logs::LogGroup');
      // 15 functions, access and execution logs, WAF logs.
      expect(groups.length).toBeGreaterThanOrEqual(18);
      for (const group of groups) expect(group.Properties.KmsKeyId).toEqual(logsKey);
    });

    it("lets CloudWatch Logs of the stack's region use the logs key, for this account's log groups only", () => {
      const statement = keyStatements(parts.logsKey).find((s) =>
        JSON.stringify(s.Principal).includes('logs.'),
      );
      expect(statement?.Effect).toBe('Allow');
      expect(statement?.Principal).toEqual({
        Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      });
      expect(statement?.Action).toEqual(expect.arrayContaining(['kms:GenerateDataKey*']));
      expect(JSON.stringify(statement?.Condition?.ArnLike)).toContain(
        'kms:EncryptionContext:aws:logs:arn',
      );
      expect(JSON.stringify(statement?.Condition?.ArnLike)).toContain(':log-group:*');
    });

    it('keeps every log group at least a year', () => {
      for (const group of ofType('AWS::Logs::LogGroup')) {
        expect(group.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
      }
    });

    it('encrypts the alarm topic with a key CloudWatch alarms of this account may use', () => {
      const topic = resources[logicalId(stack.auth.observability.topic)];
      expect(topic?.Properties.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [logicalId(parts.alarmTopicKey), 'Arn'],
      });
      const statement = keyStatements(parts.alarmTopicKey).find(
        (s) => JSON.stringify(s.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
      );
      expect(statement?.Effect).toBe('Allow');
      expect(statement?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(statement?.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      });
    });

    it('backs up every table daily, kept 35 days, in a vault with its own key that outlives the stack', () => {
      template.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: {
          BackupPlanRule: [
            Match.objectLike({
              ScheduleExpression: 'cron(0 3 * * ? *)',
              Lifecycle: { DeleteAfterDays: 35 },
              TargetBackupVault: {
                'Fn::GetAtt': [logicalId(parts.backupVault), 'BackupVaultName'],
              },
            }),
          ],
        },
      });
      const vault = resources[logicalId(parts.backupVault)];
      expect(vault?.Properties.EncryptionKeyArn).toEqual({
        'Fn::GetAtt': [logicalId(parts.backupKey), 'Arn'],
      });
      expect(vault?.DeletionPolicy).toBe('Retain');
      expect(resources[logicalId(parts.backupKey)]?.DeletionPolicy).toBe('Retain');
      const selection = ofType('AWS::Backup::BackupSelection')[0];
      const selected = JSON.stringify(selection?.Properties.BackupSelection);
      for (const table of Object.values(stack.auth.tables.byName)) {
        expect(selected).toContain(logicalId(table));
      }
      expect(Object.keys(stack.auth.tables.byName)).toHaveLength(Object.keys(TABLES).length);
    });

    it('rotates every key it adds and lets grants be made only for AWS services (Control Tower)', () => {
      for (const key of [parts.logsKey, parts.alarmTopicKey, parts.backupKey]) {
        expect(resources[logicalId(key)]?.Properties.EnableKeyRotation).toBe(true);
      }
      for (const key of [
        parts.logsKey,
        parts.alarmTopicKey,
        parts.backupKey,
        stack.auth.signingKey.key,
        stack.auth.refreshTokenKey.key,
      ]) {
        expect(keyStatements(key)).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: {
              BoolIfExists: {
                'kms:GrantIsForAWSResource': 'false',
                'aws:PrincipalIsAWSService': 'false',
              },
            },
          }),
        );
      }
    });

    it('logs the web ACL to an aws-waf-logs- group without the Authorization header', () => {
      const [logging] = ofType('AWS::WAFv2::LoggingConfiguration');
      if (!stack.auth.webAcl || !parts.wafLogs) throw new Error('no web ACL or no WAF logs');
      expect(logging?.Properties.ResourceArn).toEqual({
        'Fn::GetAtt': [logicalId(stack.auth.webAcl.acl), 'Arn'],
      });
      expect(logging?.Properties.RedactedFields).toEqual([
        { SingleHeader: { Name: 'authorization' } },
      ]);
      const wafLogs = resources[logicalId(parts.wafLogs)];
      expect(wafLogs?.Properties.LogGroupName).toBe('aws-waf-logs-serverless-jwt-auth-prod');
      // The bare log group ARN (WAF refuses CDK's `:*` suffix), by reference: created first.
      expect(logging?.Properties.LogDestinationConfigs).toEqual([
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:',
              { Ref: logicalId(parts.wafLogs) },
            ],
          ],
        },
      ]);
    });

    it('leaves the functions outside any VPC without context vpcId', () => {
      template.allResourcesProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    });
  });

  describe('on, without the web ACL', () => {
    const { template, profile: parts } = profile({ waf: 'false' });

    it('has no WAF logging', () => {
      expect(parts.wafLogs).toBeUndefined();
      template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    });
  });

  describe('on, in a VPC given by its ids', () => {
    const { template, ofType, profile: parts, logicalId } = profile(VPC);
    const network = parts.network;
    if (!network) throw new Error('no VPC placement');
    const functionsGroup = logicalId(network.functionsSecurityGroup);
    const endpointsGroup = logicalId(network.endpointsSecurityGroup);

    it('places every function in the given subnets behind the functions security group', () => {
      const functions = ofType('AWS::Lambda::Function');
      // Every route's function, the authorizer and the public key reader.
      expect(functions).toHaveLength(DEFAULT_ROUTES.length + 2);
      for (const fn of functions) {
        expect(fn.Properties.VpcConfig).toEqual({
          SubnetIds: VPC.vpcSubnetIds.split(','),
          SecurityGroupIds: [{ 'Fn::GetAtt': [functionsGroup, 'GroupId'] }],
        });
      }
    });

    it('adds gateway endpoints for DynamoDB and S3 on the given route tables', () => {
      for (const service of ['dynamodb', 's3']) {
        template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
          VpcId: VPC.vpcId,
          VpcEndpointType: 'Gateway',
          ServiceName: {
            'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]],
          },
          RouteTableIds: VPC.vpcRouteTableIds.split(','),
        });
      }
    });

    it('adds interface endpoints with private DNS for KMS and SSM, reachable from the functions only', () => {
      for (const service of ['kms', 'ssm']) {
        template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
          VpcEndpointType: 'Interface',
          ServiceName: {
            'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]],
          },
          SubnetIds: VPC.vpcSubnetIds.split(','),
          SecurityGroupIds: [{ 'Fn::GetAtt': [endpointsGroup, 'GroupId'] }],
          PrivateDnsEnabled: true,
        });
      }
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 4);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [endpointsGroup, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [functionsGroup, 'GroupId'] },
        FromPort: 443,
        ToPort: 443,
      });
    });

    it('adds the SES API endpoint (email) only when the stack sends e-mail', () => {
      const sesEndpoint = {
        VpcEndpointType: 'Interface',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.email']] },
        SubnetIds: VPC.vpcSubnetIds.split(','),
        PrivateDnsEnabled: true,
      };
      expect(template.findResources('AWS::EC2::VPCEndpoint', { Properties: sesEndpoint })).toEqual(
        {},
      );
      const withEmail = profile({ ...VPC, ...EMAIL_CONTEXT });
      withEmail.template.hasResourceProperties('AWS::EC2::VPCEndpoint', sesEndpoint);
      withEmail.template.resourceCountIs('AWS::EC2::VPCEndpoint', 5);
    });

    it('lets the functions reach nothing but the endpoints, on HTTPS', () => {
      const egress = [
        ...ofType('AWS::EC2::SecurityGroupEgress').map((r) => r.Properties),
        ...ofType('AWS::EC2::SecurityGroup').flatMap(
          (r) => (r.Properties.SecurityGroupEgress as Record<string, unknown>[]) ?? [],
        ),
      ];
      const destinations = egress
        .filter((rule) => rule.CidrIp !== '255.255.255.255/32') // CDK's "no egress" placeholder
        .map((rule) => {
          expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
          return rule.DestinationPrefixListId ?? rule.DestinationSecurityGroupId;
        });
      expect(destinations).toEqual(
        expect.arrayContaining([
          ...VPC.vpcPrefixListIds.split(','),
          { 'Fn::GetAtt': [endpointsGroup, 'GroupId'] },
        ]),
      );
      expect(destinations).toHaveLength(3);
      expect(egress.some((rule) => rule.CidrIp === '0.0.0.0/0')).toBe(false);
    });
  });

  describe('as JwtAuth props', () => {
    it('takes compliance and the VPC ids as props, through the same checks', () => {
      const app = testApp();
      const ids = {
        vpcId: VPC.vpcId,
        vpcSubnetIds: VPC.vpcSubnetIds.split(','),
        vpcRouteTableIds: VPC.vpcRouteTableIds.split(','),
        vpcPrefixListIds: VPC.vpcPrefixListIds.split(','),
      };
      const auth = new JwtAuth(new Stack(app, 'Host'), 'Auth', { compliance: true, ...ids });
      expect(auth.compliance?.network).toBeDefined();
      expect(auth.config.logRetention).toBe(365);
      expect(() => new JwtAuth(new Stack(app, 'Other'), 'Auth', ids)).toThrow(
        'takes effect only with "compliance=true"',
      );
    });
  });

  describe('configuration', () => {
    it('is off unless context compliance is true', () => {
      expect(read({}).compliance).toBe(false);
      expect(read({ compliance: 'true' }).compliance).toBe(true);
    });

    it('keeps logs a year by default under the profile, and accepts longer', () => {
      expect(read({ compliance: 'true' }).logRetention).toBe(365);
      expect(read({ compliance: 'true', logRetentionDays: '400' }).logRetention).toBe(400);
      expect(read({ logRetentionDays: '30' }).logRetention).toBe(30);
    });

    it('refuses a shorter logRetentionDays under the profile, in one sentence', () => {
      const attempt = () => read({ compliance: 'true', logRetentionDays: '30' });
      expect(attempt).toThrow(StackConfigError);
      expect(attempt).toThrow(
        'Context "logRetentionDays" must be at least 365 under "compliance=true" (the compliance profile keeps logs a year), got 30.',
      );
    });

    it('reads the VPC ids from context, all of them or none, and only with the profile', () => {
      expect(read({ compliance: 'true', ...VPC })).toMatchObject({
        vpcId: VPC.vpcId,
        vpcSubnetIds: VPC.vpcSubnetIds.split(','),
        vpcRouteTableIds: VPC.vpcRouteTableIds.split(','),
        vpcPrefixListIds: VPC.vpcPrefixListIds.split(','),
      });
      expect(() => read(VPC)).toThrow('takes effect only with "compliance=true"');
      expect(() => read({ compliance: 'true', ...VPC, vpcRouteTableIds: undefined })).toThrow(
        'Context "vpcRouteTableIds" is required with "vpcId".',
      );
      expect(() => read({ compliance: 'true', vpcSubnetIds: VPC.vpcSubnetIds })).toThrow(
        'Context "vpcSubnetIds" needs "vpcId" as well.',
      );
      expect(() => read({ compliance: 'true', ...VPC, vpcId: 'my-vpc' })).toThrow(
        'must be a VPC id',
      );
      expect(() => read({ compliance: 'true', ...VPC, vpcSubnetIds: 'subnet-1,x' })).toThrow(
        'Context "vpcSubnetIds" must list subnet ids like subnet-0abc12345, got "subnet-1".',
      );
    });
  });

  describe('acknowledged findings', () => {
    const deployDoc = readFileSync(join(__dirname, '../../docs/deploy.md'), 'utf8');

    it.each(Object.entries(COMPLIANCE_FINDINGS))(
      '%s has a reason and a row in docs/deploy.md',
      (_name, finding: ComplianceFinding) => {
        expect(finding.reason.length).toBeGreaterThanOrEqual(100);
        const rule =
          'nag' in finding
            ? finding.nag
            : 'awsSolutions' in finding
              ? finding.awsSolutions.replace(/\[.*$/, '')
              : finding.controlTower;
        expect(deployDoc).toContain(`\`${rule}\``);
        expect(findingIds(finding).length).toBeGreaterThan(0);
      },
    );
  });
});
