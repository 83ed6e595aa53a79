/**
 * A deployed Kernel account's state on the local chain, for the owner-side code that reads it
 * (revocation: currentNonce, permissionConfig). KernelStateStub.sol, compiled with solc-js (shipped in
 * the npm package, no download), is placed at the account's address and its storage set by plain
 * transactions. Only the getters exist: nothing is validated or executed there.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createWalletClient, http, parseAbi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { DEV_KEYS, type LocalChain } from '../support/chain.js';

const require = createRequire(import.meta.url);

const stubAbi = parseAbi([
  'function setNonces(uint32 current, uint32 validFrom)',
  'function setPermission(bytes4 id, address signer, bytes22[] policies)',
]);

export interface KernelState {
  currentNonce: number;
  validNonceFrom: number;
  /** Installed permissions: id -> signer module and the policies' (flag|address) entries. */
  permissions?: Array<{ id: Hex; signer: Address; policies: Hex[] }>;
}

export async function placeKernelState(chain: LocalChain, account: Address, state: KernelState): Promise<void> {
  await chain.setCode(account, stubRuntime());
  const anvil = { id: chain.chainId, name: 'anvil', nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 }, rpcUrls: { default: { http: [chain.rpcUrl] } } } as const;
  const wallet = createWalletClient({ chain: anvil, transport: http(chain.rpcUrl), account: privateKeyToAccount(DEV_KEYS[0]!) });
  const reader = createPublicClient({ chain: anvil, transport: http(chain.rpcUrl), pollingInterval: 50 });
  const send = async (hash: Promise<Hex>) => reader.waitForTransactionReceipt({ hash: await hash });
  await send(wallet.writeContract({ address: account, abi: stubAbi, functionName: 'setNonces', args: [state.currentNonce, state.validNonceFrom] }));
  for (const permission of state.permissions ?? []) {
    await send(wallet.writeContract({ address: account, abi: stubAbi, functionName: 'setPermission', args: [permission.id, permission.signer, permission.policies] }));
  }
}

let cached: Hex | undefined;

function stubRuntime(): Hex {
  if (cached) return cached;
  const solc = require('solc') as { compile(input: string): string };
  const source = readFileSync(fileURLToPath(new URL('./KernelStateStub.sol', import.meta.url)), 'utf8');
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'KernelStateStub.sol': { content: source } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
      }),
    ),
  );
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${JSON.stringify(errors)}`);
  cached = `0x${output.contracts['KernelStateStub.sol'].KernelStateStub.evm.deployedBytecode.object}` as Hex;
  return cached;
}
