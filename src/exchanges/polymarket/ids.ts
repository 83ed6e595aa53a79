/**
 * Shapes of the identifiers betmirror puts into Polymarket requests, checked before any request: a
 * malformed one is a BadInputError (exit 2) and costs no request (not even deriving credentials).
 */
import { BadInputError } from '../../core/errors.js';

/** Order ids are the order's EIP-712 hash: checked in orders.ts, next to the hash that defines them. */
export { assertOrderId } from './orders.js';

/** Outcome tokens are ERC-1155 ids of the CTF: a decimal uint256 (at most 78 digits). */
export function assertTokenId(tokenId: string): void {
  if (!/^\d{1,78}$/.test(tokenId)) throw new BadInputError(`unknown token "${tokenId}": a Polymarket token id is a decimal uint256`);
}
