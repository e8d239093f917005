import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// "source" resolves workspace packages to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ["source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["packages/{server,sandbox}/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "dom",
          include: [
            "packages/{client,react}/src/**/*.test.{ts,tsx}",
            "apps/*/web/**/*.test.{ts,tsx}",
          ],
          environment: "jsdom",
        },
      },
    ],
    // eventsource-parser (under the MCP SDK's client) publishes a "source" condition pointing
    // at its TypeScript; inlined, Vite compiles it instead of Node refusing the .ts file.
    server: { deps: { inline: ["@modelcontextprotocol/sdk", "eventsource-parser"] } },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
