/**
 * Checks of the adoption test that fail until another part of issue #16 lands. Each entry turns
 * one check into report-only: it still runs and its error is printed, but it does not fail the
 * run as long as every line of the error matches `failsWith` (any other failure still fails).
 * Delete the entry when its item lands: the run fails while a listed check passes, so the list
 * stays exactly the set of failures.
 */
export const knownFailures: Record<string, { because: string; failsWith: RegExp }> = {
  "dev-server-origin": {
    because:
      "#16 item 1: from the Vite dev server's origin, POST /connect answers 403 csrf_rejected while baseUrl is the Hono server's URL (a documented createConnections option will allow the dev origin)",
    failsWith: /POST \/api\/connections\/connect\/attio answered 403 .*csrf_rejected/,
  },
  "types-of-dependencies": {
    because:
      "#16 item 7: Drizzle and PGlite declarations reachable through @x/server's d.ts fail skipLibCheck: false",
    failsWith: /^\d+ errors in (drizzle-orm|@electric-sql\/pglite), first: /,
  },
  "types-exact-optional": {
    because:
      "#16 part (c): the kit's public option types reject an explicit undefined under exactOptionalPropertyTypes (the server README's attio({ clientId: process.env.ATTIO_CLIENT_ID }))",
    failsWith: /^server\.ts: TS2379: .*'AttioOptions' with 'exactOptionalPropertyTypes: true'/,
  },
  "mcp-sdk-bundled": {
    because:
      "#16 item 4 (the MCP SDK split): @x/server bundles @modelcontextprotocol/sdk until @x/server/mcp makes it an optional peer",
    failsWith:
      /^@x\/server bundles (@modelcontextprotocol\/sdk|content-type|eventsource-parser|pkce-challenge)$/,
  },
};
