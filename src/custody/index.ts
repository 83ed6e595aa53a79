/** Non-custodial custody: a ZeroDev Kernel v3.1 smart account driven by a restricted session key. */
export { generateSessionKey, approveSessionKey } from './approval.js';
export type { SessionKey, ApproveSessionKeyRequest, SessionApproval } from './approval.js';
export { cashoutViaSmartAccount, fetchSmartAccountBalance, planSmartAccountCashout, toCashoutResult } from './cashout.js';
export type { SmartAccountCashoutPlan, SmartAccountCashoutRequest, SmartAccountCashoutResult } from './cashout.js';
export { describeSessionPermissions, assertCanSignVenueOrder, HYBRID_ORDER_ALTERNATIVES } from './permissions.js';
export type { SessionPermissions, VenueOrderSigning } from './permissions.js';
export { decodeApprovalPolicy, assertDestinationAllowed } from './policy.js';
export type { SessionPolicy } from './policy.js';
export { assertSessionKeyMatches, loadSessionAccount } from './session.js';
export { verifyApproval } from './verify.js';
export type { VerifiedApproval } from './verify.js';
export type { GasPriceSource, SponsorshipSource } from './gas.js';
export { ENTRY_POINT_ADDRESS, KERNEL_VERSION, POLYMARKET_EXCHANGES, PUSD } from './constants.js';
