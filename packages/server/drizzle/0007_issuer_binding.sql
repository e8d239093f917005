ALTER TABLE "x_connections" ADD COLUMN "issuer" text;--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "token_endpoint" text;--> statement-breakpoint
ALTER TABLE "x_oauth_flows" ADD COLUMN "issuer" text;--> statement-breakpoint
ALTER TABLE "x_oauth_flows" ADD COLUMN "token_endpoint" text;--> statement-breakpoint
ALTER TABLE "x_oauth_flows" ADD COLUMN "redirect_uri" text;