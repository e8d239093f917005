import { createHash } from "node:crypto";

export type Workspace = {
  id: string;
  name: string;
  slug: string;
  /** The member who pressed Allow; the sandbox has exactly one user. */
  memberId: string;
};

/** A UUID-shaped id derived from a seed, so ids survive restarts and snapshots stay stable. */
export function deterministicUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "workspace"
  );
}

export function createWorkspace(name: string): Workspace {
  return {
    id: deterministicUuid(`workspace:${name}`),
    name,
    slug: slugify(name),
    memberId: deterministicUuid(`workspace-member:${name}`),
  };
}
