import { postgresStore } from "@x/server";
import postgres from "postgres";
import { createScratchDatabase } from "../e2e/support/scratch-database";
import { createHost } from "./support/host";
import { type Measure, measure, median } from "./support/measure";

const ROWS = 100_000;
const FEW = 10;
const MANY = 1_000;
const ROUNDS = 5;

/**
 * One `worker.tick()` on PostgreSQL with 100,000 connections, 10 of them due for refresh, against
 * the same with 1,000 due. The rows are inserted by SQL under a provider name no instance
 * registers, so the tick does its real database work (the claim: one UPDATE … WHERE id IN
 * (SELECT … FOR UPDATE SKIP LOCKED) over the partial due index, then one SELECT by id per
 * claimed row) and skips the provider call. Nothing is due for a health check and no webhook
 * is configured. batchSize is 1,000 so one tick claims every due row.
 */
export async function workerTick(): Promise<Measure[]> {
  const database = createScratchDatabase();
  const store = postgresStore({ url: database.url, max: 6 });
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
  const { connections } = createHost({ store, settings: { worker: { batchSize: MANY } } });
  try {
    await connections.ready();
    await sql.begin(async (transaction) => {
      // Replica mode skips the change-notify trigger: 100,000 NOTIFYs are not what is measured.
      await transaction.unsafe("set local session_replication_role = replica");
      await transaction.unsafe(`
        insert into x_connections
          (id, tenant_id, provider, visibility, owner_key, user_id, sealed, next_refresh_at)
        select 'bench-' || lpad(n::text, 6, '0'), 'tenant-' || (n % 1000), 'unregistered',
               'user', 'user-' || n, 'user-' || n, 'xv1.never-opened', now() + interval '1 day'
        from generate_series(1, ${ROWS}) as n`);
    });
    await sql.unsafe("vacuum analyze x_connections");

    const tick = async (due: number) => {
      await sql`update x_connections set next_refresh_at = now() - interval '1 minute'
        where id between 'bench-000001' and ${`bench-${String(due).padStart(6, "0")}`}`;
      const started = performance.now();
      const report = await connections.worker.tick();
      const elapsed = performance.now() - started;
      if (report.refreshed + report.failed !== due) {
        throw new Error(`tick claimed ${report.refreshed + report.failed}, expected ${due}`);
      }
      return elapsed;
    };
    await tick(FEW);
    await tick(MANY);
    const few: number[] = [];
    const many: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      many.push(await tick(MANY));
      for (let repeat = 0; repeat < 3; repeat++) few.push(await tick(FEW));
    }
    return [
      measure({
        name: "worker.tick",
        value: median(few),
        unit: "ms",
        baseline: `the same tick with ${MANY.toLocaleString("en-US")} of ${ROWS.toLocaleString("en-US")} due`,
        baselineValue: median(many),
      }),
    ];
  } finally {
    await connections.close();
    await sql.end();
    database.drop();
  }
}
