/**
 * EntryPoint v0.7 from @account-abstraction/contracts@0.7.0 on the local anvil chain, at its canonical
 * address. Deployed normally first (its constructor creates the SenderCreator its runtime code points
 * to), then the runtime code is copied to 0x0000000071727De22E5E9d8BAf0edAC6f37da032.
 */
import { createRequire } from 'node:module';
import { createPublicClient, createWalletClient, http, type Abi, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { entryPoint07Address } from 'viem/account-abstraction';
import { DEV_KEYS, type LocalChain } from '../support/chain.js';

const require = createRequire(import.meta.url);

export async function installEntryPoint07(chain: LocalChain): Promise<void> {
  const artifact = require('@account-abstraction/contracts/artifacts/EntryPoint.json') as { abi: Abi; bytecode: Hex };
  const transport = http(chain.rpcUrl);
  const anvil = {
    id: chain.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  } as const;
  const wallet = createWalletClient({ chain: anvil, transport, account: privateKeyToAccount(DEV_KEYS[1]!) });
  const reader = createPublicClient({ chain: anvil, transport, pollingInterval: 50 });
  const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
  const { contractAddress } = await reader.waitForTransactionReceipt({ hash });
  const runtime = await reader.getCode({ address: contractAddress! });
  if (!runtime || runtime === '0x') throw new Error('EntryPoint deployment left no code');
  await chain.setCode(entryPoint07Address, runtime);
}
