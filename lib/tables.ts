/**
 * The DynamoDB tables, built from the shared definitions in
 * `lambdas/contract/tables.ts`: key schema and TTL attribute come from there
 * alone, so the stack, the local server and the stores cannot disagree.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, TABLES, type TableName } from '../lambdas/contract/tables';

export interface AuthTablesProps {
  /** Keep the tables (and their data) when the stack is deleted. */
  retainData: boolean;
}

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING };
}

/** One table per entry of `TABLES`, reachable by the same logical name. */
export class AuthTables extends Construct {
  readonly byName: Record<TableName, Table>;

  constructor(scope: Construct, id: string, props: AuthTablesProps) {
    super(scope, id);
    const entries = (Object.keys(TABLES) as TableName[]).map((name) => {
      const definition: (typeof TABLES)[TableName] = TABLES[name];
      const table = new Table(this, definition.logicalName, {
        partitionKey: attribute(definition.partitionKey),
        ...('sortKey' in definition ? { sortKey: attribute(definition.sortKey) } : {}),
        ...('ttlAttribute' in definition ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
        // Traffic of an auth API is spiky and mostly idle: pay per request, nothing at rest.
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        // Losing Users or RevokedTokens would lock everyone out or un-revoke tokens.
        removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        deletionProtection: props.retainData,
      });
      return [name, table] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<TableName, Table>;
  }
}
