import { BUDGET_BYTES, measureKit } from "./bundle-kit";

/** `pnpm size`: the browser kit's bundle against its budget; above it, exit 1 and CI fails. */
const { minified, gzipped } = await measureKit();
const verdict = gzipped <= BUDGET_BYTES ? "within" : "OVER";
console.log(
  `@x/react + @x/client: ${minified} B minified, ${gzipped} B gzipped (budget ${BUDGET_BYTES} B gz, ${verdict})`,
);
if (gzipped > BUDGET_BYTES) process.exit(1);
