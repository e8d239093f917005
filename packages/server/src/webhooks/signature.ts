import { createHmac, timingSafeEqual } from "node:crypto";
import { ConnectionsError } from "../shared/errors";

export const SIGNATURE_HEADER = "x-connections-signature";

const DEFAULT_TOLERANCE_SECONDS = 300;
const TIMESTAMP = /^[0-9]{1,15}$/;
const MAC = /^[0-9a-f]{64}$/;

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the body,
 * so a captured delivery cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${macOf(secret, body, timestamp)}`;
}

/**
 * For receivers: true only for our signature over this body, made within `toleranceSeconds`.
 * The header must be exactly `t=<digits>,v1=<64 lowercase hex>`; anything else is false.
 *
 * @throws ConnectionsError `invalid_options` for an empty secret, or a tolerance or `now` that
 * is not a finite number of seconds (a NaN tolerance would otherwise accept any age).
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const { toleranceSeconds, now } = checkedOptions(secret, options);
  const signature = parseSignatureHeader(header);
  if (!signature) return false;
  if (Math.abs(now - signature.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(macOf(secret, body, signature.timestamp), "hex");
  return timingSafeEqual(Buffer.from(signature.mac, "hex"), expected);
}

/** Exactly one `t` and exactly one `v1`, nothing else: a lenient parse lets a forger pick. */
function parseSignatureHeader(
  header: string | null | undefined,
): { timestamp: number; mac: string } | null {
  const parts = (header ?? "").split(",");
  if (parts.length !== 2) return null;
  const fields = new Map<string, string>();
  for (const part of parts) {
    const separator = part.indexOf("=");
    const name = part.slice(0, separator);
    if (separator < 0 || fields.has(name)) return null;
    fields.set(name, part.slice(separator + 1));
  }
  const timestamp = fields.get("t");
  const mac = fields.get("v1");
  if (!timestamp || !mac || !TIMESTAMP.test(timestamp) || !MAC.test(mac)) return null;
  return { timestamp: Number(timestamp), mac };
}

function checkedOptions(
  secret: string,
  options: { toleranceSeconds?: number; now?: number },
): { toleranceSeconds: number; now: number } {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new ConnectionsError(
      "invalid_options",
      "verifyWebhookSignature: the secret is empty, so anyone could sign",
    );
  }
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new ConnectionsError(
      "invalid_options",
      "verifyWebhookSignature: toleranceSeconds must be a finite number of seconds, 0 or more",
    );
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!Number.isFinite(now)) {
    throw new ConnectionsError(
      "invalid_options",
      "verifyWebhookSignature: now must be a finite number of Unix seconds",
    );
  }
  return { toleranceSeconds, now };
}

function macOf(secret: string, body: string, timestamp: number): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}
