/**
 * The MFA writes on the embedded engine: each one conditional UpdateItem on
 * the user's item, so a time step or a recovery code is used once, a factor
 * is only confirmed or removed as the caller saw it, and an item stored
 * before MFA existed reads as "no factor".
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UserRecord } from '../../lambdas/auth/ports';
import { createMfaStore } from '../../lambdas/store/mfa';
import { createUserStore } from '../../lambdas/store/users';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const AT = '2026-01-01T00:00:00.000Z';
const HASHES = ['a'.repeat(64), 'b'.repeat(64)];

describe('MFA store on the embedded engine', () => {
  const mfa = () => createMfaStore(dynamo.documents, dynamo.tables.users);
  const users = () => createUserStore(dynamo.documents, dynamo.tables.users);
  let n = 0;

  /** A user item as an earlier release stored it: no MFA attribute, no credentials version. */
  async function oldUser(): Promise<UserRecord> {
    n += 1;
    const user = {
      username: `user${n}`,
      userId: `USER${n}`.padEnd(22, 'A'),
      passwordHash: 'scrypt$x',
      createdAt: AT,
    };
    await dynamo.documents.send(new PutCommand({ TableName: dynamo.tables.users, Item: user }));
    return user;
  }

  async function enrolled(): Promise<UserRecord> {
    const user = await oldUser();
    await mfa().beginTotp(user, { state: 'pending', secret: 'ct-1', createdAt: AT });
    await mfa().confirmTotp(user, {
      secret: 'ct-1',
      step: 100,
      confirmedAt: AT,
      recoveryCodeHashes: HASHES,
    });
    return user;
  }

  it('stores a pending factor on an item from before MFA, replaces a pending one, never an active one', async () => {
    const user = await oldUser();

    await expect(
      mfa().beginTotp(user, { state: 'pending', secret: 'ct-1', createdAt: AT }),
    ).resolves.toBe(true);
    await expect(
      mfa().beginTotp(user, { state: 'pending', secret: 'ct-2', createdAt: AT }),
    ).resolves.toBe(true);
    await expect(users().find(user.username)).resolves.toMatchObject({
      totp: { state: 'pending', secret: 'ct-2', createdAt: AT },
    });
    await expect(
      mfa().confirmTotp(user, { secret: 'ct-2', step: 7, confirmedAt: AT, recoveryCodeHashes: [] }),
    ).resolves.toBe(true);
    await expect(
      mfa().beginTotp(user, { state: 'pending', secret: 'ct-3', createdAt: AT }),
    ).resolves.toBe(false);
    await expect(users().find(user.username)).resolves.toMatchObject({
      totp: { state: 'active', secret: 'ct-2' },
    });
  });

  it('confirms only the pending secret the caller checked, once, bumping the credentials version', async () => {
    const user = await oldUser();
    await mfa().beginTotp(user, { state: 'pending', secret: 'ct-1', createdAt: AT });
    const confirm = { step: 100, confirmedAt: AT, recoveryCodeHashes: HASHES };

    await expect(mfa().confirmTotp(user, { ...confirm, secret: 'ct-old' })).resolves.toBe(false);
    await expect(mfa().confirmTotp(user, { ...confirm, secret: 'ct-1' })).resolves.toBe(true);
    await expect(mfa().confirmTotp(user, { ...confirm, secret: 'ct-1' })).resolves.toBe(false);
    await expect(users().find(user.username)).resolves.toMatchObject({
      totp: { state: 'active', secret: 'ct-1', lastStep: 100, confirmedAt: AT },
      recoveryCodes: { [HASHES[0] as string]: AT, [HASHES[1] as string]: AT },
      credentialsVersion: 1,
    });
  });

  it('accepts each time step once and only forward', async () => {
    const user = await enrolled();

    await expect(mfa().acceptStep(user, 'ct-1', 100)).resolves.toBe(false);
    await expect(mfa().acceptStep(user, 'ct-1', 99)).resolves.toBe(false);
    await expect(mfa().acceptStep(user, 'ct-other', 101)).resolves.toBe(false);
    const both = await Promise.all([
      mfa().acceptStep(user, 'ct-1', 101),
      mfa().acceptStep(user, 'ct-1', 101),
    ]);
    expect(both.sort()).toEqual([false, true]);
    await expect(users().find(user.username)).resolves.toMatchObject({ totp: { lastStep: 101 } });
  });

  it('uses a recovery code once, by its hash, and only the user’s', async () => {
    const user = await enrolled();
    const someoneElse = await enrolled();

    const both = await Promise.all([
      mfa().useRecoveryCode(user, HASHES[0] as string),
      mfa().useRecoveryCode(user, HASHES[0] as string),
    ]);
    expect(both.sort()).toEqual([false, true]);
    await expect(mfa().useRecoveryCode(user, 'c'.repeat(64))).resolves.toBe(false);
    await expect(
      mfa().useRecoveryCode({ ...user, userId: someoneElse.userId }, HASHES[1] as string),
    ).resolves.toBe(false);
    const stored = await users().find(user.username);
    expect(Object.keys(stored?.recoveryCodes ?? {})).toEqual([HASHES[1]]);
  });

  it('removes the factor and its codes, only as the caller saw it', async () => {
    const user = await enrolled();

    await expect(mfa().removeTotp(user, 'ct-other')).resolves.toBe(false);
    await expect(mfa().removeTotp(user, 'ct-1')).resolves.toBe(true);
    const stored = await users().find(user.username);
    expect(stored?.totp).toBeUndefined();
    expect(stored?.recoveryCodes).toBeUndefined();
    expect(stored?.credentialsVersion).toBe(2);
    await expect(mfa().removeTotp(user, 'ct-1')).resolves.toBe(false);
  });

  it('never creates an item for a user that does not exist', async () => {
    const ghost = { username: 'ghost', userId: 'GHOST'.padEnd(22, 'A') };

    await expect(
      mfa().beginTotp(ghost, { state: 'pending', secret: 'ct', createdAt: AT }),
    ).resolves.toBe(false);
    await expect(users().find('ghost')).resolves.toBeUndefined();
  });
});
