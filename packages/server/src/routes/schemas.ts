import { z } from "zod";

const visibility = z.enum(["user", "workspace"]).default("user");

export const connectBody = z
  .object({
    mode: z.enum(["popup", "redirect"]).default("popup"),
    visibility,
    returnTo: z.string().max(2048).optional(),
  })
  .strict();

export const secretBody = z
  .object({
    provider: z.string().min(1).max(100),
    secret: z.string().min(1, "the secret is empty").max(16_384),
    visibility,
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const renameBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export const idParam = z.string().uuid();
