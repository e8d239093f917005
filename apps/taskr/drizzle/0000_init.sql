CREATE TABLE "taskr_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "taskr_users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "taskr_users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "taskr_sessions" ADD CONSTRAINT "taskr_sessions_user_id_taskr_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."taskr_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "taskr_sessions_user_idx" ON "taskr_sessions" USING btree ("user_id");