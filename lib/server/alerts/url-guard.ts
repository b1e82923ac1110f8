import "server-only";
import { AppError } from "../errors";
import { assertPublicUrl, SafeFetchError } from "../net/safe-fetch";

/**
 * Save-time check of a notification URL, as a field error. The rules are lib/server/net/safe-fetch.ts'
 * (https, or http to loopback; every resolved address public unless ALLOW_PRIVATE_NETWORK_FETCH=true);
 * deliveries go through safeFetch, which checks again at connect time (no DNS rebinding in between).
 */
export async function assertWebhookUrl(value: string, field = "url", allowPrivate?: boolean): Promise<void> {
  try {
    await assertPublicUrl(value, allowPrivate === undefined ? {} : { allowPrivate });
  } catch (err) {
    if (!(err instanceof SafeFetchError)) throw err;
    throw new AppError("invalid_input", err.message, { fieldErrors: { [field]: [err.message] } });
  }
}
