import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
  test: {
    name: "e2e",
    root: import.meta.dirname,
    include: ["**/*.e2e.ts"],
    environment: "node",
    // One browser and one demo process at a time: the machine has two cores.
    fileParallelism: false,
    // As in the root config: eventsource-parser's "source" condition names TypeScript, which
    // Vite must compile rather than hand to Node.
    server: { deps: { inline: ["@modelcontextprotocol/sdk", "eventsource-parser"] } },
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
