// Types of `cinetpay/express`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client, Expected, NotificationOutcome } from './index';

export interface NotificationHandlerOptions<Req extends IncomingMessage = IncomingMessage> {
  /** Updates the order; awaited before CinetPay gets its 200. Make it idempotent: notifications repeat. */
  onOutcome: (outcome: NotificationOutcome, req: Req) => unknown | Promise<unknown>;
  /** The order's amount and currency for a verified transaction_id (null when unknown). */
  expected?: Expected | ((transactionId: string) => Expected | null | undefined | Promise<Expected | null | undefined>);
}

/**
 * A handler for CinetPay's notify_url: GET ping → 200; POST → verify, check, onOutcome, 200;
 * forged → 401; check failed → 503 (CinetPay notifies again).
 */
export function notificationHandler<Req extends IncomingMessage = IncomingMessage>(
  client: Client,
  options: NotificationHandlerOptions<Req>,
): (req: Req, res: ServerResponse, next?: (err?: unknown) => void) => Promise<void>;
