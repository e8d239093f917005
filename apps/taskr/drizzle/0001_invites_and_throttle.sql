CREATE TABLE "taskr_invites" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"role" text NOT NULL,
	"created_by" text,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "taskr_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"locked_until" timestamp with time zone,
	"last_failure_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "taskr_invites" ADD CONSTRAINT "taskr_invites_created_by_taskr_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."taskr_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "taskr_invites_username_idx" ON "taskr_invites" USING btree ("username");--> statement-breakpoint
CREATE INDEX "taskr_throttle_last_failure_idx" ON "taskr_throttle" USING btree ("last_failure_at");