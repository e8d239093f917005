ALTER TABLE "x_connections" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "refresh_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "next_refresh_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "last_checked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "x_connections_refresh_due_idx" ON "x_connections" USING btree ("next_refresh_at") WHERE "x_connections"."status" = 'active' and "x_connections"."next_refresh_at" is not null;--> statement-breakpoint
CREATE INDEX "x_connections_check_due_idx" ON "x_connections" USING btree ("next_check_at") WHERE "x_connections"."status" = 'active' and "x_connections"."next_check_at" is not null;