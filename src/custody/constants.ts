/**
 * Fixed facts the custody layer builds on: the smart-account flavour (ZeroDev Kernel v3.1 on
 * EntryPoint 0.7, VENUES.md 5) and the contracts a trading session key may approve (VENUES.md 1.4).
 */
import { getEntryPoint, KERNEL_V3_1, KernelVersionToAddressesMap } from '@zerodev/sdk/constants';
import { parseAbi, type Address } from 'viem';
import { entryPoint07Address } from 'viem/account-abstraction';

export const KERNEL_VERSION = KERNEL_V3_1;
export const ENTRY_POINT = getEntryPoint('0.7');
export const ENTRY_POINT_ADDRESS: Address = entryPoint07Address;
export const KERNEL_ADDRESSES = KernelVersionToAddressesMap[KERNEL_V3_1];

/** Polymarket's V2 exchanges: the only spenders a session key may approve collateral to. */
export const POLYMARKET_EXCHANGES: readonly Address[] = [
  '0xE111180000d2663C0091e4f400237545B87B996B', // CTFExchangeV2
  '0xe2222d279d744050d28e00520010520000310F59', // neg-risk CTFExchangeV2
];

/** Polymarket's collateral (pUSD, 6 decimals: one base unit is one micro-dollar). */
export const PUSD: Address = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';

export const erc20TransferAbi = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
]);

export const TRANSFER_SELECTOR = '0xa9059cbb';
export const APPROVE_SELECTOR = '0x095ea7b3';
