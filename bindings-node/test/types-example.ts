// Type-checked by `tsc --noEmit` in the test suite (not run): the package's public types.
import { APIError, Client, PaymentLink, RateLimitError, ValidationError } from 'cinetpay';
import type { PaymentParams } from 'cinetpay';

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
