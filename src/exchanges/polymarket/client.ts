/**
 * Wires the official @polymarket/clob-client-v2 with betmirror's signer and configuration. The signer is
 * a viem WalletClient over a local account (one of the two signer kinds the client accepts, VENUES 1.1).
 * Note: the official client does its HTTP with its own axios instance, so CLOB calls do not go through
 * AdapterContext.fetch; the Data API, the relayer and the RPC do.
 * https://github.com/Polymarket/clob-client-v2
 */
import { ClobClient, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import { createWalletClient, custom, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { SignatureType } from './settings.js';

/** A signing-only wallet client: it never talks to a node (signTypedData of a local account is offline). */
export function createSigner(privateKey: `0x${string}`): WalletClient & { account: { address: `0x${string}` } } {
  const account = privateKeyToAccount(privateKey);
  const offline = custom({
    request: async ({ method }: { method: string }) => {
      throw new Error(`the order signer is offline (unexpected RPC call ${method})`);
    },
  });
  return createWalletClient({ account, transport: offline }) as WalletClient & { account: { address: `0x${string}` } };
}

export interface ClobWiring {
  host: string;
  chainId: 137 | 80002;
  /** Absent for a public (market data only) client. */
  signer?: WalletClient;
  signatureType: SignatureType;
  funder?: `0x${string}`;
  creds?: ApiKeyCreds;
  /** true (default): failures throw ApiError; false: they come back as {error, status} (needed by createOrDeriveApiKey). */
  throwOnError?: boolean;
}

export function createClobClient(wiring: ClobWiring): ClobClient {
  return new ClobClient({
    host: wiring.host,
    chain: wiring.chainId as number as ClobClientChain,
    signer: wiring.signer as ConstructorParameters<typeof ClobClient>[0]['signer'],
    creds: wiring.creds,
    signatureType: wiring.signatureType as number as ClobClientSignatureType,
    funderAddress: wiring.funder,
    throwOnError: wiring.throwOnError ?? true,
  });
}

type ClobClientChain = ConstructorParameters<typeof ClobClient>[0]['chain'];
type ClobClientSignatureType = NonNullable<ConstructorParameters<typeof ClobClient>[0]['signatureType']>;
