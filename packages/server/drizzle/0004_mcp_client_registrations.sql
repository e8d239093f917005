CREATE TABLE "x_mcp_client_registrations" (
	"id" text PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"client_id" text NOT NULL,
	"token_endpoint_auth_method" text NOT NULL,
	"sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "x_mcp_client_registrations_issuer_idx" ON "x_mcp_client_registrations" USING btree ("issuer","redirect_uri");