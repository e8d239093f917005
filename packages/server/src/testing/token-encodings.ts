/** A token as it could appear in a leak: plain, base64, base64url or hex. */
export function encodingsOf(token: string): string[] {
  const bytes = Buffer.from(token);
  return [token, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")];
}

/**
 * The sandbox's token prefixes as they start a plain, base64 or hex encoding of any of its
 * tokens: a dump containing one leaks a token we cannot read back (refresh tokens, codes).
 */
export const SANDBOX_TOKEN_MARKERS = ["sbx_at_", "sbx_rt_", "sbx_ac_"].flatMap((prefix) => {
  const bytes = Buffer.from(prefix);
  return [prefix, bytes.subarray(0, 6).toString("base64"), bytes.toString("hex")];
});
