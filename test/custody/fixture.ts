/** One local chain with EntryPoint v0.7, an owner, a session key and the owner's approval. */
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount } from '@zerodev/sdk';
import type { Address, Hex } from 'viem';
import { permissionIdOf } from '../../src/custody/kernel.js';
import { parseApproval, readApproval } from '../../src/custody/policy.js';
import { approveSessionKey, generateSessionKey, type SessionApproval, type SessionKey } from '../../src/custody/index.js';
import { sessionLimits } from '../../src/custody/limits.js';
import { DEV_KEYS, PUSD_ADDRESS, startAnvil, type LocalChain } from '../support/chain.js';
import { installEntryPoint07 } from './entryPoint.js';

export const CASHOUT_ADDRESS: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const SECOND_CASHOUT_ADDRESS: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
export const STRANGER: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
export const OWNER_KEY: Hex = DEV_KEYS[2]!;

/** The owner approves at a fixed time (2030-03-17T17:46:40Z), so expiry and rate limit are exact values. */
export const APPROVED_AT_MS = 1_900_000_000_000;
export const APPROVED_AT = APPROVED_AT_MS / 1000;
/** The defaults: 90 days, 24 operations a day (one an hour, 2160 in all). */
export const LIMITS = sessionLimits({ expiryDays: 90, operationsPerDay: 24 }, APPROVED_AT_MS);
/** A day after approval: 25 rate-limit slots are open. */
export const A_DAY_LATER_MS = APPROVED_AT_MS + 86_400_000;

export interface CustodyFixture {
  chain: LocalChain;
  session: SessionKey;
  approved: SessionApproval;
  close(): Promise<void>;
}

export async function startCustodyFixture(): Promise<CustodyFixture> {
  const chain = await startAnvil();
  try {
    await installEntryPoint07(chain);
    const session = generateSessionKey();
    const approved = await approveSessionKey({
      ownerPrivateKey: OWNER_KEY,
      sessionKeyAddress: session.address,
      chainId: chain.chainId,
      rpcUrl: chain.rpcUrl,
      collateral: PUSD_ADDRESS,
      cashoutDestinations: [CASHOUT_ADDRESS, SECOND_CASHOUT_ADDRESS],
      limits: LIMITS,
    });
    return { chain, session, approved, close: () => chain.close() };
  } catch (error) {
    await chain.close();
    throw error;
  }
}

/** A fetch that counts every request, so a test can prove nothing left the process. */
export function countingFetch(): { fetch: typeof fetch; count: () => number } {
  let n = 0;
  return {
    fetch: ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      n += 1;
      return fetch(input, init);
    }) as typeof fetch,
    count: () => n,
  };
}

/** Rewrites the JSON inside an approval string (to simulate a tampered store). */
export function editApproval(approval: string, edit: (json: any) => void): string {
  const json = JSON.parse(Buffer.from(approval, 'base64').toString('utf8'));
  edit(json);
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64');
}

/**
 * A consistent forgery: `address` added to the transfer rule AND the permission id recomputed for the
 * widened policy and `sessionKeyAddress`, so that only the owner's signature can tell.
 */
export async function widenApproval(approval: string, address: Address, sessionKeyAddress: Address): Promise<string> {
  const widened = editApproval(approval, (json) => {
    json.permissionParams.policies[0].policyParams.permissions[0].rules[0].params.push(`0x000000000000000000000000${address.slice(2)}`);
  });
  const { policies } = readApproval(parseApproval(widened));
  const signer = await toECDSASigner({ signer: addressToEmptyAccount(sessionKeyAddress) });
  return editApproval(widened, (json) => (json.permissionParams.permissionId = permissionIdOf(policies, signer)));
}
