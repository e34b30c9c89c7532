// Type-checked by `tsc --noEmit` in the test suite (not run): the package's public types.
import { APIError, Client, PaymentLink, RateLimitError, ValidationError } from 'cinetpay';
import type { NotificationOutcome, PaymentParams, PaymentStatus } from 'cinetpay';
import { notificationHandler } from 'cinetpay/express';

const client = new Client({ apiKey: 'k', siteId: '445160', timeoutMs: 10_000, maxRetries: 2 });

export async function checkout(orderId: number): Promise<string> {
  const params: PaymentParams = {
    transaction_id: `ORDER-${orderId}`,
    amount: 2500,
    currency: 'XOF',
    description: 'Commande',
    notify_url: 'https://shop.example/notify',
    return_url: 'https://shop.example/return',
    channels: 'MOBILE_MONEY',
    invoice_data: { Matricule: '24OPO25' },
  };
  try {
    const link: PaymentLink = await client.initPayment(params);
    return link.payment_url;
  } catch (e) {
    if (e instanceof ValidationError) return `fix ${e.field}: ${e.message}`;
    if (e instanceof RateLimitError) return `retry in ${e.retryAfter ?? 1}s`;
    if (e instanceof APIError) return `${e.code} ${e.apiCode ?? ''} ${e.hint ?? ''}`;
    throw e;
  }
}

// A misspelt field must not type-check.
// @ts-expect-error notify_ur1 is not a CinetPay field
client.initPayment({ transaction_id: 'x', amount: 100, currency: 'XOF', description: 'd', notify_ur1: 'x', return_url: 'y' });

// @ts-expect-error the amount is a number
client.initPayment({ transaction_id: 'x', amount: '100', currency: 'XOF', description: 'd', notify_url: 'x', return_url: 'y' });

// The lifecycle: a status, a notification outcome, the middleware.
export async function lifecycle(body: string, xToken: string | undefined): Promise<boolean> {
  const status: PaymentStatus = await client.checkPayment({ transaction_id: 'ORDER-1' });
  if (status.is_final && status.amount !== null) status.amount.toFixed(0);
  const byToken = await client.checkPayment({ token: 'tok' });
  const outcome: NotificationOutcome = await client.handleNotification(body, xToken, async (id) =>
    id === byToken.description ? { amount: 100, currency: 'XOF' } : null,
  );
  return outcome.outcome === 'paid' && outcome.status.is_paid;
}

export const notify = notificationHandler(client, {
  expected: { amount: 100, currency: 'XOF' },
  onOutcome: async (outcome) => {
    if (outcome.outcome === 'failed') console.log(outcome.reason);
  },
});

// @ts-expect-error a lookup names transaction_id or token
client.checkPayment({ id: 'ORDER-1' });
