/**
 * The embedded engine closes the LevelDB iterator of every Query and Scan
 * once it has answered: an open iterator pins native memory, and before this
 * `npm start` grew by the number of queries served (`npm run memory`).
 */
import { dirname } from 'node:path';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const { AbstractValueIterator } = require(
  require.resolve('abstract-level', { paths: [dirname(require.resolve('dynalite'))] }),
) as { AbstractValueIterator: { prototype: { close(): Promise<void> } } };

describe('the embedded engine', () => {
  it('closes the iterator of each Query and Scan it answers', async () => {
    const close = jest.spyOn(AbstractValueIterator.prototype, 'close');
    try {
      for (let i = 0; i < 5; i++) {
        await dynamo.documents.send(
          new QueryCommand({
            TableName: dynamo.tables.sessions,
            KeyConditionExpression: 'userId = :u',
            ExpressionAttributeValues: { ':u': `user-${i}` },
          }),
        );
      }
      await dynamo.documents.send(new ScanCommand({ TableName: dynamo.tables.users }));
      await new Promise((wait) => setTimeout(wait, 50));

      expect(close.mock.calls.length).toBeGreaterThanOrEqual(6);
    } finally {
      close.mockRestore();
    }
  });
});
