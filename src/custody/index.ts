/** Non-custodial custody: a ZeroDev Kernel v3.1 smart account driven by a restricted session key. */
export { generateSessionKey, approveSessionKey } from './approval.js';
export type { SessionKey, ApproveSessionKeyRequest, SessionApproval } from './approval.js';
export { cashoutViaSmartAccount, fetchSmartAccountBalance, planSmartAccountCashout, toCashoutResult } from './cashout.js';
export type { SmartAccountCashoutPlan, SmartAccountCashoutRequest, SmartAccountCashoutResult } from './cashout.js';
export { describeSessionPermissions, assertCanSignVenueOrder, describeRate, HYBRID_ORDER_ALTERNATIVES, isoDate } from './permissions.js';
export type { SessionPermissions, VenueOrderSigning } from './permissions.js';
export { decodeApprovalPolicy, assertDestinationAllowed } from './policy.js';
export type { SessionPolicy } from './policy.js';
export { assertSessionKeyMatches, loadSessionAccount } from './session.js';
export { verifyApproval } from './verify.js';
export type { VerifiedApproval } from './verify.js';
export type { GasPriceSource, SponsorshipSource } from './gas.js';
export { ENTRY_POINT_ADDRESS, KERNEL_VERSION, POLYMARKET_EXCHANGES, PUSD } from './constants.js';
export { DEFAULT_SESSION_LIMITS, SESSION_LIMIT_BOUNDS, sessionLimits } from './limits.js';
export type { RateLimit, SessionLimitChoice, SessionLimits } from './limits.js';
export { revokeSessionKey, rotateSessionKey } from './lifecycle.js';
export type { OwnerRequest, RotateRequest, SessionRevocation, SessionRotation } from './lifecycle.js';
