import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";

/**
 * Stops and starts the machine's PostgreSQL, as an outage would. Files that use this must run
 * alone (e2e files run one at a time) and must start it again whatever happens.
 * Asynchronous on purpose: the sandbox provider answers from the test process meanwhile.
 */
const run = promisify(execFile);
const cluster = readdirSync("/etc/postgresql")[0] ?? "15";

const control = (action: "stop" | "start") =>
  run("pg_ctlcluster", [
    "--skip-systemctl-redirect",
    cluster,
    "main",
    action,
    // Fast: open sessions are cut off, as when a server crashes or fails over.
    ...(action === "stop" ? ["-m", "fast"] : []),
  ]);

export const stopPostgres = () => control("stop");

export async function postgresUp(): Promise<boolean> {
  try {
    await run("pg_isready", ["--host", "127.0.0.1", "--quiet"]);
    return true;
  } catch {
    return false;
  }
}

/** Starts PostgreSQL unless it is already up; safe to call from every cleanup path. */
export async function ensurePostgresUp(): Promise<void> {
  if (!(await postgresUp())) await control("start");
}
