/**
 * The DynamoDB boundary of the stores' conditional writes: a refused
 * condition is an answer (false, or no count), any other failure is the
 * domain's 503, never an SDK error.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { UnavailableError } from '../../lambdas/errors';
import { createMfaChallengeStore } from '../../lambdas/store/mfa-challenges';

const ddb = mockClient(DynamoDBDocumentClient);

afterEach(() => ddb.reset());

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });

const store = () =>
  createMfaChallengeStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    'MfaChallenges',
  );

describe('conditional writes of a store', () => {
  it('answers the new count of an applied write', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { attempts: 3 } });

    await expect(store().countAttempt('h', 1, 5)).resolves.toBe(3);
  });

  it('answers a refused condition as no count, or false', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(DeleteCommand).rejects(conditionFailed());

    await expect(store().countAttempt('h', 1, 5)).resolves.toBeUndefined();
    await expect(store().consume('h')).resolves.toBe(false);
  });

  it('turns any other failure into UnavailableError (503)', async () => {
    ddb.on(UpdateCommand).rejects(new Error('connect ETIMEDOUT'));
    ddb.on(DeleteCommand).rejects(new Error('connect ETIMEDOUT'));

    await expect(store().countAttempt('h', 1, 5)).rejects.toBeInstanceOf(UnavailableError);
    await expect(store().consume('h')).rejects.toBeInstanceOf(UnavailableError);
  });
});
