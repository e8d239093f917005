/** What the hostile endpoints send, and how much of it a client actually read. */
export type HostileStats = {
  /** Bytes of hostile bodies the client pulled: a client that stops reading keeps this small. */
  bytesSent: number;
  /** Requests the hostile answers were given to. */
  hostileAnswers: number;
};

const CHUNK = new TextEncoder().encode("a".repeat(64 * 1024));

/** As large as the body that grew a client's memory by 1.2 GB in the red-team run. */
export const OVERSIZED_BYTES = 150 * 1024 * 1024;

/**
 * A 150 MB JSON body, `{"<field>":"aaaa…"}`. Bytes are made only as the client pulls them, so
 * the fixture itself holds no more than one chunk, and a client that stops reading stops it.
 */
export function oversizedJson(field: string, stats: HostileStats): Response {
  const encoder = new TextEncoder();
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent < 0) {
        sent = 0;
        controller.enqueue(encoder.encode(`{"${field}":"`));
      } else if (sent < OVERSIZED_BYTES) {
        sent += CHUNK.byteLength;
        stats.bytesSent += CHUNK.byteLength;
        controller.enqueue(CHUNK);
      } else {
        controller.enqueue(encoder.encode('"}'));
        controller.close();
      }
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * A token answer under any sane size limit (about 175 KB) whose unknown fields would fill a
 * sealed row: a 100 KB one first, then 150 of 500 characters.
 */
export function manyFieldsTokens(): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    access_token: "many-fields-access-token",
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: "many-fields-refresh-token",
    field_large: "x".repeat(100_000),
  };
  for (let index = 0; index < 150; index++) fields[`field_${index}`] = "x".repeat(500);
  return fields;
}

/** Free text where an OAuth error code belongs, as a hostile server would put a lure or a token. */
export const ERROR_TEXT = "Your session expired. Visit https://evil.example/login to continue";
