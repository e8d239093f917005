import { defaultSandboxClient } from "./clients";
import { startSandbox } from "./start";

/** Validated before anything starts, naming the variable when it is wrong. */
function readPort(value: string | undefined): number {
  if (value === undefined || value === "") return 3051;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer from 0 to 65535, got "${value}"`);
    process.exit(1);
  }
  return port;
}

const port = readPort(process.env.PORT);
const sandbox = await startSandbox({ port }).catch((error: NodeJS.ErrnoException) => {
  const reason = error.code === "EADDRINUSE" ? `port ${port} is already in use` : error.message;
  console.error(`The sandbox could not start: ${reason} (set PORT to change it)`);
  process.exit(1);
});
console.log(`Attio sandbox listening on ${sandbox.url}`);
console.log(`  metadata      ${sandbox.url}/.well-known/oauth-authorization-server`);
console.log(`  client_id     ${defaultSandboxClient.clientId}`);
console.log(`  client_secret ${defaultSandboxClient.clientSecret}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
