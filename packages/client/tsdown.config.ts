import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({ ...published, entry: ["src/index.ts"], platform: "neutral" });
