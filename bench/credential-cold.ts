import { postgresStore } from "@x/server";
import postgres from "postgres";
import { createScratchDatabase } from "../e2e/support/scratch-database";
import { API_KEY_PROVIDER, addSecretConnections, createHost } from "./support/host";
import { type Measure, measure, median } from "./support/measure";

const BATCHES = 6;
const PER_BATCH = 200;

/**
 * `getCredential()` with nothing cached, on the real PostgreSQL: every call names a user read for
 * the first time, so each one finds the row (Drizzle over postgres.js) and opens the sealed
 * secret (the tenant's data key is warm after the first). The baseline is the same row by the
 * same unique index through a postgres.js pool of the same size (the kit's own is sealed inside
 * its store), as a raw tagged-template SELECT.
 */
export async function credentialColdPostgres(): Promise<Measure[]> {
  const database = createScratchDatabase();
  const store = postgresStore({ url: database.url, max: 4 });
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  const { connections, app } = createHost({ store });
  try {
    await connections.ready();
    const users = Array.from({ length: BATCHES * PER_BATCH }, (_, index) => `user${index}`);
    for (let start = 0; start < users.length; start += 10) {
      await Promise.all(
        users.slice(start, start + 10).map((user) => addSecretConnections(app, [`acme:${user}`])),
      );
    }
    await connections
      .getCredential({ provider: API_KEY_PROVIDER, tenantId: "acme", userId: "warm-up" })
      .catch(() => undefined);

    const coldSamples: number[] = [];
    const rawSamples: number[] = [];
    for (let batch = 0; batch < BATCHES; batch++) {
      const slice = users.slice(batch * PER_BATCH, (batch + 1) * PER_BATCH);
      let started = process.hrtime.bigint();
      for (const userId of slice) {
        await connections.getCredential({ provider: API_KEY_PROVIDER, tenantId: "acme", userId });
      }
      coldSamples.push(Number(process.hrtime.bigint() - started) / 1_000 / slice.length);
      started = process.hrtime.bigint();
      for (const userId of slice) {
        await sql`select * from x_connections where tenant_id = ${"acme"} and provider = ${API_KEY_PROVIDER} and visibility = ${"user"} and owner_key = ${userId}`;
      }
      rawSamples.push(Number(process.hrtime.bigint() - started) / 1_000 / slice.length);
    }
    return [
      measure({
        name: "credential.cold.postgres",
        value: median(coldSamples),
        unit: "µs/call",
        baseline: "raw indexed SELECT of the same row, same postgres.js pool",
        baselineValue: median(rawSamples),
      }),
    ];
  } finally {
    await connections.close();
    await sql.end();
    database.drop();
  }
}
