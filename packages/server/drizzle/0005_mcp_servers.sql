CREATE TABLE "x_mcp_servers" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"display_name" text NOT NULL,
	"url" text NOT NULL,
	"visibility" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "x_mcp_servers_url_idx" ON "x_mcp_servers" USING btree ("tenant_id","url");--> statement-breakpoint
CREATE UNIQUE INDEX "x_mcp_servers_name_idx" ON "x_mcp_servers" USING btree ("tenant_id","name");