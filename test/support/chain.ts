/**
 * A real local chain for tests: the anvil binary shipped by npm `@foundry-rs/anvil`, started on a free
 * port, with a 6-decimal collateral token placed at Polymarket's pUSD address (so adapters use their
 * production constants unchanged).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseAbi,
  type Address,
  type Hex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const require = createRequire(import.meta.url);

/** anvil's well-known dev accounts (mnemonic "test test ... junk"): public test keys, never real funds. */
export const DEV_KEYS: readonly Hex[] = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
];

export const PUSD_ADDRESS: Address = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';

export const erc20Abi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function transfer(address to, uint256 value) returns (bool)',
  'function approve(address spender, uint256 value) returns (bool)',
  'function mint(address to, uint256 value)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

export interface LocalChain {
  rpcUrl: string;
  chainId: number;
  /** Sets `code` at `address` (anvil_setCode). */
  setCode(address: Address, code: Hex): Promise<void>;
  /** Installs the test collateral token at `address` (default: pUSD). */
  installCollateral(address?: Address): Promise<Address>;
  mintCollateral(to: Address, amount: bigint, token?: Address): Promise<void>;
  collateralBalance(owner: Address, token?: Address): Promise<bigint>;
  setEthBalance(address: Address, wei: bigint): Promise<void>;
  close(): Promise<void>;
}

export async function startAnvil(options: { chainId?: number } = {}): Promise<LocalChain> {
  const chainId = options.chainId ?? 137;
  const child = spawn(anvilBinary(), ['--port', '0', '--chain-id', String(chainId)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child);
  const rpcUrl = `http://127.0.0.1:${port}`;
  const chain = {
    id: chainId,
    name: 'anvil',
    nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const;
  const transport = http(rpcUrl);
  const test = createTestClient({ chain, mode: 'anvil', transport });
  const publicClient = createPublicClient({ chain, transport });
  const funder = createWalletClient({ chain, transport, account: privateKeyToAccount(DEV_KEYS[0]!) });

  const runtime = collateralRuntimeCode();
  return {
    rpcUrl,
    chainId,
    setCode: (address, code) => test.setCode({ address, bytecode: code }),
    async installCollateral(address = PUSD_ADDRESS) {
      await test.setCode({ address, bytecode: runtime });
      return address;
    },
    async mintCollateral(to, amount, token = PUSD_ADDRESS) {
      const hash = await funder.writeContract({ address: token, abi: erc20Abi, functionName: 'mint', args: [to, amount] });
      await publicClient.waitForTransactionReceipt({ hash });
    },
    collateralBalance: (owner, token = PUSD_ADDRESS) =>
      publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] }),
    setEthBalance: (address, wei) => test.setBalance({ address, value: wei }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The platform binary from @foundry-rs/anvil's optional dependency, run directly so kill() reaches it. */
function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`);
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Listening on [\d.]+:(\d+)/.exec(seen);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`anvil exited (${code}) before listening: ${seen}`)));
  });
}

let cachedRuntime: Hex | undefined;

/** Compiles TestCollateral.sol with solc-js (shipped in the npm package, no download). */
function collateralRuntimeCode(): Hex {
  if (cachedRuntime) return cachedRuntime;
  const solc = require('solc') as { compile(input: string): string };
  const source = readFileSync(fileURLToPath(new URL('./TestCollateral.sol', import.meta.url)), 'utf8');
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'TestCollateral.sol': { content: source } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
      }),
    ),
  );
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${JSON.stringify(errors)}`);
  cachedRuntime = `0x${output.contracts['TestCollateral.sol'].TestCollateral.evm.deployedBytecode.object}` as Hex;
  return cachedRuntime;
}
