import { type Connections, postgresStore } from "@x/server";
import postgres from "postgres";
import { createScratchDatabase } from "../e2e/support/scratch-database";
import { createHost } from "./support/host";
import { type Measure, measure, median } from "./support/measure";

const SMALL = 1_000;
const LARGE = 100_000;
const DUE = 10;
const MANY_DUE = 1_000;
const ROUNDS = 60;

/**
 * One `worker.tick()` on PostgreSQL with 10 connections due for refresh, in a table of 100,000
 * against a table of 1,000 (two scratch databases, ticks taken in turn), and against the floor of
 * the same work: the three statements a tick needs (the refresh claim returning the rows, the
 * health-check claim, the webhook claim), prepared, through postgres.js on the large table. The
 * rows name a provider no instance registers, so a tick does its real database work (the claims
 * and one lookup of the unknown name in x_mcp_servers) and calls no provider. Nothing is due for
 * a health check and no webhook is configured. batchSize is 1,000 so one tick claims every due row.
 */
export async function workerTick(): Promise<Measure[]> {
  const small = await tableOf(SMALL);
  const large = await tableOf(LARGE);
  try {
    const claimPlan = await large.planOfClaim();
    if (/Seq Scan on x_connections/.test(claimPlan)) {
      throw new Error(`the due claim scans the table:\n${claimPlan}`);
    }
    // Warm-up: the first tick of each also sweeps spent callback state (once an hour).
    for (const table of [small, large]) {
      await table.tick(DUE);
      await table.floor(DUE);
    }
    const ticks = { small: [] as number[], large: [] as number[], floor: [] as number[] };
    // Each round takes the three in another order: whatever runs first after a pause pays for it.
    const runs = [
      async () => ticks.small.push(await small.tick(DUE)),
      async () => ticks.large.push(await large.tick(DUE)),
      async () => ticks.floor.push(await large.floor(DUE)),
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (let step = 0; step < runs.length; step++) await runs[(round + step) % runs.length]!();
    }
    const manyDue: number[] = [];
    for (let round = 0; round < 3; round++) manyDue.push(await large.tick(MANY_DUE));
    const uses = /Index Scan using (\w+)/.exec(claimPlan)?.[1] ?? "an index";
    return [
      measure({
        name: "worker.tick",
        value: median(ticks.large),
        unit: "ms",
        baseline: `the same tick, ${DUE} due among ${SMALL.toLocaleString("en-US")} (${DUE} among ${LARGE.toLocaleString("en-US")} measured; the claim reads ${uses})`,
        baselineValue: median(ticks.small),
        target: { max: 1.5 },
      }),
      measure({
        name: "worker.tick.floor",
        value: median(ticks.large),
        unit: "ms",
        baseline: `the floor: the 3 statements a tick needs, prepared, raw postgres.js, same ${DUE} of ${LARGE.toLocaleString("en-US")} rows`,
        baselineValue: median(ticks.floor),
        target: { max: 2 },
      }),
      measure({
        name: "worker.tick.1000-due",
        value: median(manyDue),
        unit: "ms",
        baseline: `the tick with ${DUE} of ${LARGE.toLocaleString("en-US")} due (how a tick grows with what is due)`,
        baselineValue: median(ticks.large),
      }),
    ];
  } finally {
    await small.close();
    await large.close();
  }
}

/** A scratch database with `rows` connections, a kit instance on it, and a raw pool beside. */
async function tableOf(rows: number) {
  const database = createScratchDatabase();
  const store = postgresStore({ url: database.url, max: 6 });
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
  const { connections } = createHost({ store, settings: { worker: { batchSize: MANY_DUE } } });
  await connections.ready();
  await sql.begin(async (transaction) => {
    // Replica mode skips the change-notify trigger: 100,000 NOTIFYs are not what is measured.
    await transaction.unsafe("set local session_replication_role = replica");
    await transaction.unsafe(`
      insert into x_connections
        (id, tenant_id, provider, visibility, owner_key, user_id, sealed, next_refresh_at)
      select 'bench-' || lpad(n::text, 6, '0'), 'tenant-' || (n % 1000), 'unregistered',
             'user', 'user-' || n, 'user-' || n, 'xv1.never-opened', now() + interval '1 day'
      from generate_series(1, ${rows}) as n`);
  });
  await sql.unsafe("vacuum analyze x_connections");

  const makeDue = (due: number) =>
    sql`update x_connections set next_refresh_at = now() - interval '1 minute'
      where id between 'bench-000001' and ${`bench-${String(due).padStart(6, "0")}`}`;
  return {
    async tick(due: number): Promise<number> {
      await makeDue(due);
      return timedTick(connections, due);
    },
    async floor(due: number): Promise<number> {
      await makeDue(due);
      const started = performance.now();
      const claimed = await floorStatements(sql, MANY_DUE);
      const elapsed = performance.now() - started;
      if (claimed !== due) throw new Error(`the floor claimed ${claimed}, expected ${due}`);
      return elapsed;
    },
    async planOfClaim(): Promise<string> {
      await makeDue(DUE);
      const plan = await sql.unsafe(`explain ${REFRESH_CLAIM}`, [60_000, MANY_DUE]);
      return plan.map((line) => line["QUERY PLAN"]).join("\n");
    },
    async close() {
      await connections.close();
      await sql.end();
      database.drop();
    },
  };
}

async function timedTick(connections: Connections, due: number): Promise<number> {
  const started = performance.now();
  const report = await connections.worker.tick();
  const elapsed = performance.now() - started;
  if (report.refreshed + report.failed !== due) {
    throw new Error(`tick claimed ${report.refreshed + report.failed}, expected ${due}`);
  }
  return elapsed;
}

// The statements of store/claim-due.ts, as the kit's Drizzle builds them, written out once.
const claim = (table: string, due: string, where: string) => `
  update ${table} set ${due} = now() + $1 * interval '1 millisecond'
  where id in (select id from ${table} where ${where} and ${due} is not null and ${due} <= now()
               order by ${due} limit $2 for update skip locked)
  returning *`;
const REFRESH_CLAIM = claim("x_connections", "next_refresh_at", "status = 'active'");
const CHECK_CLAIM = claim("x_connections", "next_check_at", "status = 'active'");
const WEBHOOK_CLAIM = claim("x_webhook_deliveries", "next_attempt_at", "status = 'pending'");

/** The three claims a tick needs, prepared (postgres.js names and reuses them per connection). */
async function floorStatements(sql: postgres.Sql, limit: number): Promise<number> {
  const claimed = await sql.unsafe(REFRESH_CLAIM, [60_000, limit], { prepare: true });
  await sql.unsafe(CHECK_CLAIM, [60_000, limit], { prepare: true });
  await sql.unsafe(WEBHOOK_CLAIM, [60_000, limit], { prepare: true });
  return claimed.length;
}
