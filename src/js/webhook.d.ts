// The declarations of `inbox-sender/webhook` (src/js/webhook.js). The event's type is defined
// in Rust with the package's other types.
import type { InboxError, WebhookEvent } from "./inbox_sender.js";

export type { InboxError, WebhookEvent };

/** Options for `verifyWebhook`. */
export interface VerifyWebhookOptions {
    /** How far the signature's time may be from `now`, in whole seconds. Default 300. */
    toleranceSeconds?: number;
    /** Now, in Unix milliseconds. Default `Date.now()`. */
    now?: number;
}

/** How far the signature's time may be from now, in seconds, unless the caller says: 300. */
export const DEFAULT_TOLERANCE_SECONDS: number;

/**
 * Checks that a webhook delivery came from Inbox and resolves to its event.
 *
 * - `payload`: the request body exactly as received (`await request.text()`, or its bytes). A
 *   parsed and re-serialised object does not verify.
 * - `signature`: the `X-Inbox-Signature` header (`null` when the request has none).
 * - `secret`: the endpoint's signing secret.
 *
 * Rejects with an `InboxError`: kind `invalid_signature` with `check` (`missing`, `malformed`,
 * `stale`, `mismatch`), or `invalid_request` naming a bad argument. No error quotes the secret.
 */
export function verifyWebhook(
    payload: string | Uint8Array | ArrayBuffer,
    signature: string | null | undefined,
    secret: string,
    options?: VerifyWebhookOptions | null,
): Promise<WebhookEvent>;
