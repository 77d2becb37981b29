/**
 * VPC placement of the compliance profile, from explicit ids (context
 * `vpcId`, `vpcSubnetIds`, `vpcRouteTableIds`, `vpcPrefixListIds`): never
 * `Vpc.fromLookup`, which needs AWS credentials at synth time. The functions
 * get one security group whose only way out is HTTPS to the endpoints below:
 * gateway endpoints for DynamoDB (the tables) and S3 (a custom resource
 * answers CloudFormation through a pre-signed S3 URL: without a way to S3 the
 * deployment hangs for an hour), interface endpoints for the other AWS APIs
 * the functions call. Nothing else is reachable, whatever the route tables
 * say.
 */
import { Stack } from 'aws-cdk-lib';
import { CfnVPCEndpoint, type IVpc, Peer, Port, SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { AuthFunction } from './auth-function';
import type { StackConfig } from './config';

/** Gateway endpoints (free): the tables, and S3 for the custom resource's answer. */
export const GATEWAY_ENDPOINT_SERVICES = ['dynamodb', 's3'] as const;

/**
 * Interface endpoints ($0.01 per AZ-hour each, docs/deploy.md): KMS (token
 * signing, the public key reader) and SSM.
 */
export const INTERFACE_ENDPOINT_SERVICES = ['kms', 'ssm'] as const;

/** The SES API's interface endpoint (`email`, not SMTP's), added when the stack sends e-mail. */
export const EMAIL_ENDPOINT_SERVICE = 'email';

/** A VPC given by its ids, never looked up: synth needs no AWS credentials. */
export interface VpcIds {
  vpcId: string;
  /** Private subnets for the functions and the interface endpoints (one per AZ). */
  subnetIds: string[];
  /** Route tables of those subnets, for the gateway endpoints. */
  routeTableIds: string[];
  /** The region's S3 and DynamoDB managed prefix lists. */
  prefixListIds: string[];
}

/** The VPC ids of a configuration; undefined without `vpcId` (the lists are checked with it). */
export function vpcIdsOf(config: StackConfig): VpcIds | undefined {
  if (config.vpcId === undefined) return undefined;
  return {
    vpcId: config.vpcId,
    subnetIds: config.vpcSubnetIds,
    routeTableIds: config.vpcRouteTableIds,
    prefixListIds: config.vpcPrefixListIds,
  };
}

export interface ComplianceVpcProps {
  ids: VpcIds;
  /** The functions send e-mail through SES (`emailFrom` is set): SES's API endpoint too. */
  sendsEmail?: boolean;
}

/** The security groups and endpoints of the functions' VPC placement. */
export class ComplianceVpc extends Construct {
  readonly vpc: IVpc;
  /** The functions' security group: HTTPS to the endpoints, nothing else. */
  readonly functionsSecurityGroup: SecurityGroup;
  /** The interface endpoints' security group: HTTPS from the functions only. */
  readonly endpointsSecurityGroup: SecurityGroup;
  readonly endpoints: Record<string, CfnVPCEndpoint> = {};
  private readonly ids: VpcIds;

  constructor(scope: Construct, id: string, props: ComplianceVpcProps) {
    super(scope, id);
    const { ids } = props;
    this.ids = ids;
    const region = Stack.of(this).region;
    // The security groups read the id alone; the subnets are passed by id where needed.
    this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: ids.vpcId,
      availabilityZones: Stack.of(this).availabilityZones,
    });

    this.functionsSecurityGroup = new SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'serverless-jwt-auth functions: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    this.endpointsSecurityGroup = new SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc: this.vpc,
      description: 'serverless-jwt-auth interface endpoints: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    this.endpointsSecurityGroup.addIngressRule(
      this.functionsSecurityGroup,
      Port.tcp(443),
      'HTTPS from the functions',
    );
    this.functionsSecurityGroup.addEgressRule(
      this.endpointsSecurityGroup,
      Port.tcp(443),
      'HTTPS to the interface endpoints',
    );
    for (const prefixList of ids.prefixListIds) {
      this.functionsSecurityGroup.addEgressRule(
        Peer.prefixList(prefixList),
        Port.tcp(443),
        'HTTPS to a gateway endpoint (S3 or DynamoDB)',
      );
    }

    for (const service of GATEWAY_ENDPOINT_SERVICES) {
      this.endpoints[service] = new CfnVPCEndpoint(this, endpointId(service), {
        vpcId: ids.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: ids.routeTableIds,
      });
    }
    const interfaceServices = [
      ...INTERFACE_ENDPOINT_SERVICES,
      ...(props.sendsEmail ? [EMAIL_ENDPOINT_SERVICE] : []),
    ];
    for (const service of interfaceServices) {
      this.endpoints[service] = new CfnVPCEndpoint(this, endpointId(service), {
        vpcId: ids.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        subnetIds: ids.subnetIds,
        securityGroupIds: [this.endpointsSecurityGroup.securityGroupId],
        // The SDK's default host names resolve to the endpoint inside the VPC.
        privateDnsEnabled: true,
      });
    }
  }

  /**
   * Places a function in the subnets behind the functions' security group.
   * Its role gets AWSLambdaVPCAccessExecutionRole, the ENI rights Lambda
   * needs (on the role itself, so they exist before the function is created),
   * and the function waits for the endpoints: its first call must find them.
   */
  place(fn: AuthFunction): void {
    const cfn = fn.function.node.defaultChild as CfnFunction;
    cfn.vpcConfig = {
      subnetIds: this.ids.subnetIds,
      securityGroupIds: [this.functionsSecurityGroup.securityGroupId],
    };
    fn.role.addManagedPolicy(
      ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
    );
    for (const endpoint of Object.values(this.endpoints)) cfn.node.addDependency(endpoint);
  }
}

function endpointId(service: string): string {
  return `${service[0]?.toUpperCase()}${service.slice(1)}Endpoint`;
}
