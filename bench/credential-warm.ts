import { startSandbox } from "@x/sandbox";
import { type CredentialRequest, type CredentialResult, pgliteStore } from "@x/server";
import { connectAttio, createHost } from "./support/host";
import {
  type Measure,
  measure,
  nanosecondsPerAsyncCall,
  nanosecondsPerCall,
} from "./support/measure";

/**
 * A warm `getCredential()`: the connection exists (made through the real connect flow against
 * the sandbox, on in-memory PGlite) and one priming call has cached it. Every timed call is
 * awaited, as backend code awaits it; the baseline is a synchronous `Map.get` of the same object.
 */
export async function credentialWarm(): Promise<Measure[]> {
  const sandbox = await startSandbox();
  const { connections, app } = createHost({ store: pgliteStore(), sandboxUrl: sandbox.url });
  try {
    await connections.ready();
    await connectAttio(app, "acme:alice");
    const request: CredentialRequest = { provider: "attio", tenantId: "acme", userId: "alice" };
    const primed = await connections.getCredential(request);

    let sink: CredentialResult | undefined;
    const warm = await nanosecondsPerAsyncCall(
      async (iterations) => {
        for (let index = 0; index < iterations; index++) {
          sink = await connections.getCredential(request);
        }
      },
      { iterations: 200_000, batches: 7 },
    );
    if (sink?.connectionId !== primed.connectionId) throw new Error("warm read changed connection");

    const map = new Map([["acme\tattio\t\talice", primed]]);
    const mapGet = nanosecondsPerCall(
      (iterations) => {
        for (let index = 0; index < iterations; index++) sink = map.get("acme\tattio\t\talice");
      },
      { iterations: 5_000_000, batches: 7 },
    );
    return [
      measure({
        name: "credential.warm",
        value: warm,
        unit: "ns/call",
        baseline: "Map.get of the same object",
        baselineValue: mapGet,
      }),
    ];
  } finally {
    await connections.close();
    await sandbox.close();
  }
}
