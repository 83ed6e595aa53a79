/**
 * Cashout: moves pUSD out of the funder. EOA mode signs an ERC-20 transfer and sends it to the RPC;
 * proxy / Safe / deposit-wallet modes sign the wallet's own transaction format and hand it to
 * Polymarket's relayer, which pays the gas, then follow the relayer until the transaction is mined.
 * https://docs.polymarket.com/developers/builders/relayer-client
 */
import { encodeProxyTransactionData, CallType } from '@polymarket/builder-relayer-client';
import type { PrivateKeyAccount } from 'viem/accounts';
import { BadInputError, ExchangeError, InsufficientFundsError } from '../../core/errors.js';
import { formatMicros, type Micros } from '../../core/money.js';
import type { Clock } from '../../core/runtime.js';
import type { CashoutRequest, CashoutResult } from '../../core/types.js';
import { PUSD, transferCalldata, type PolygonRpc } from './chain.js';
import type { SignatureType } from './settings.js';
import { outcomeUnknown, transportReason } from './errors.js';
import { RELAYER_CONTRACTS } from './funding.js';
import {
  buildDepositWalletRequest,
  buildProxyRequest,
  buildSafeRequest,
  PROXY_DEFAULT_GAS_LIMIT,
  type Call,
  type RelayerHttp,
} from './relayer.js';

/** How long a deposit-wallet batch signature stays valid. */
const BATCH_DEADLINE_SECONDS = 600;
const RELAYER_POLL_MS = 2000;
const RELAYER_MAX_POLLS = 90;
const DONE_STATES = ['STATE_MINED', 'STATE_CONFIRMED'];
const FAILED_STATES = ['STATE_FAILED', 'STATE_INVALID'];

export interface CashoutDeps {
  account: PrivateKeyAccount;
  privateKey: `0x${string}`;
  signatureType: SignatureType;
  funder: `0x${string}`;
  chainId: 137 | 80002;
  rpc: PolygonRpc;
  relayer: RelayerHttp;
  clock: Clock;
  /** Collateral held back by resting BUY orders: never cashed out from under them. */
  reserved: () => Promise<Micros>;
}

export async function cashout(deps: CashoutDeps, request: CashoutRequest): Promise<CashoutResult> {
  const destination = request.destination.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(destination)) throw new BadInputError(`cashout destination is not an address: "${destination}"`);
  const to = destination as `0x${string}`;
  if (to.toLowerCase() === deps.funder.toLowerCase()) throw new BadInputError('cashout destination is the funder itself');

  const [held, reserved] = await Promise.all([deps.rpc.collateralOf(deps.funder), deps.reserved()]);
  const available = held > reserved ? held - reserved : 0n;
  const reservedNote = reserved > 0n ? ` (of $${formatMicros(held)} held, $${formatMicros(reserved)} is reserved by resting buy orders)` : '';
  const cancelHint = reserved > 0n ? { hint: 'cancel the resting buy orders first (`betmirror cancel --all`), or cash out less' } : {};
  const amount: Micros = request.amount === 'all' ? available : request.amount;
  if (amount <= 0n) {
    throw new InsufficientFundsError(`nothing to cash out: the funder ${deps.funder} has $${formatMicros(available)} pUSD free${reservedNote}`, cancelHint);
  }
  if (amount > available) {
    throw new InsufficientFundsError(
      `cannot cash out $${formatMicros(amount)}: the funder ${deps.funder} has $${formatMicros(available)} pUSD free${reservedNote}`,
      cancelHint,
    );
  }
  const call: Call = { to: PUSD, data: transferCalldata(to, amount) };
  const base = { amount, destination: to };

  if (deps.signatureType === 0) {
    if (request.dryRun) return { ...base, txHash: '', method: 'eoa-transfer', info: { dryRun: true, request: { from: deps.funder, ...call } } };
    const txHash = await deps.rpc.transferCollateral(deps.privateKey, to, amount).catch((error: unknown) => {
      if (/insufficient funds/i.test(String((error as Error)?.message))) {
        throw new InsufficientFundsError(`the key ${deps.funder} has no POL to pay the transfer's gas`, {
          hint: 'send a little POL to the key, or use a proxy / Safe / deposit wallet whose relayer pays the gas',
        });
      }
      throw error;
    });
    return { ...base, txHash, method: 'eoa-transfer' };
  }

  const payload = await relayerPayload(deps, call);
  if (request.dryRun) return { ...base, txHash: '', method: 'relayer', info: { dryRun: true, request: payload } };
  const lookup = `the relayer may execute it: check the funder ${deps.funder}'s pUSD balance and transactions on polygonscan before cashing out again`;
  const submitted = await deps.relayer.submit(payload, lookup);
  const txHash = await waitMined(deps, submitted.transactionID, submitted.transactionHash);
  return { ...base, txHash, method: 'relayer', info: { transactionID: submitted.transactionID, type: payload.type } };
}

async function relayerPayload(deps: CashoutDeps, call: Call) {
  const signer = deps.account.address;
  switch (deps.signatureType) {
    case 1: {
      const relay = await deps.relayer.relayPayload(signer, 'PROXY');
      const gasLimit = await proxyGasLimit(deps, call);
      return buildProxyRequest(deps.account, { chainId: deps.chainId, calls: [call], relay: relay.address, nonce: String(relay.nonce), gasLimit });
    }
    case 2: {
      if (!(await deps.relayer.deployed(deps.funder))) {
        throw new ExchangeError(`the Safe ${deps.funder} is not deployed yet: nothing can be moved out of it`);
      }
      const { nonce } = await deps.relayer.nonce(signer, 'SAFE');
      return buildSafeRequest(deps.account, { chainId: deps.chainId, call, nonce: String(nonce) });
    }
    default: {
      const { nonce } = await deps.relayer.nonce(signer, 'WALLET');
      const deadline = String(Math.floor(deps.clock.now() / 1000) + BATCH_DEADLINE_SECONDS);
      return buildDepositWalletRequest(deps.account, { chainId: deps.chainId, wallet: deps.funder, calls: [call], nonce: String(nonce), deadline });
    }
  }
}

/** Like the official client: estimate the factory call, fall back to its default limit when estimation fails. */
async function proxyGasLimit(deps: CashoutDeps, call: Call): Promise<string> {
  try {
    const data = encodeProxyTransactionData([{ to: call.to, typeCode: CallType.Call, data: call.data, value: '0' }]) as `0x${string}`;
    const gas = await deps.rpc.publicClient.estimateGas({
      account: deps.account.address,
      to: RELAYER_CONTRACTS[deps.chainId].proxyFactory as `0x${string}`,
      data,
    });
    return gas.toString();
  } catch {
    return PROXY_DEFAULT_GAS_LIMIT;
  }
}

/** Follows the relayer until mined. It has the transaction: any failure to follow it leaves the outcome unknown. */
async function waitMined(deps: CashoutDeps, id: string, submittedHash?: string): Promise<string> {
  const lookup = (reason: string, cause?: unknown) =>
    outcomeUnknown('following the relayer transaction', reason, {
      hint: `relayer transaction ${id}${submittedHash ? ` (${submittedHash})` : ''} may still be mined: check it on polygonscan; do not resend before it is known to have failed`,
      info: { transactionID: id, transactionHash: submittedHash },
      cause,
    });
  for (let poll = 0; poll < RELAYER_MAX_POLLS; poll++) {
    let transaction;
    try {
      [transaction] = await deps.relayer.transaction(id);
    } catch (error) {
      throw lookup(transportReason(error), error);
    }
    if (transaction && DONE_STATES.includes(transaction.state)) return transaction.transactionHash || submittedHash || '';
    if (transaction && FAILED_STATES.includes(transaction.state)) {
      throw new ExchangeError(`the relayer transaction ${id} failed (${transaction.state})`, { info: transaction });
    }
    await deps.clock.sleep(RELAYER_POLL_MS);
  }
  throw lookup('not mined in time');
}
