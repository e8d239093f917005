CREATE TABLE "x_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text NOT NULL,
	"visibility" text NOT NULL,
	"owner_key" text NOT NULL,
	"user_id" text,
	"name" text,
	"handle" text,
	"account_id" text,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"auth_failed_at" timestamp with time zone,
	"last_refreshed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"sealed" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_data_keys" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"kek_version" text NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_oauth_flows" (
	"id" text PRIMARY KEY NOT NULL,
	"state_hash" text NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"visibility" text NOT NULL,
	"mode" text NOT NULL,
	"return_to" text,
	"message_nonce" text NOT NULL,
	"sealed_secrets" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"connection_id" text,
	"error_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "x_connections_owner_idx" ON "x_connections" USING btree ("tenant_id","provider","visibility","owner_key");--> statement-breakpoint
CREATE INDEX "x_connections_expires_idx" ON "x_connections" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "x_oauth_flows_state_idx" ON "x_oauth_flows" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "x_oauth_flows_expires_idx" ON "x_oauth_flows" USING btree ("expires_at");