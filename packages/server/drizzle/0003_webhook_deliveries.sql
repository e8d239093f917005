CREATE TABLE "x_webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "x_webhook_deliveries_due_idx" ON "x_webhook_deliveries" USING btree ("next_attempt_at") WHERE "x_webhook_deliveries"."status" = 'pending';