import { listenThenServe } from "../listener";

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
};

export type Recorder = {
  origin: string;
  /** Every request that reached it, in order: what an attacker's endpoint would have learnt. */
  requests: RecordedRequest[];
  close(): Promise<void>;
};

/**
 * An attacker's endpoint on an origin of its own: it answers every request with a plausible
 * token response and records what it was sent (a code, a PKCE verifier, a Bearer token).
 */
export async function startRecorder(options: { port?: number } = {}): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const { origin, close } = await listenThenServe({ port: options.port }, () => {
    const fetch = async (request: Request) => {
      requests.push({
        method: request.method,
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      });
      return Response.json({ access_token: "recorded", token_type: "Bearer", expires_in: 3600 });
    };
    return { app: null, fetch };
  });
  return { origin, requests, close };
}
