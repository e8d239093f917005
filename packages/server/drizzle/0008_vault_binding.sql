-- Data keys get versions: a tenant keeps several while a data-key rotation re-seals its values.
-- Every existing key is version 1, which is what an xv1 sealed value opens under.
ALTER TABLE "x_data_keys" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "x_data_keys" DROP CONSTRAINT "x_data_keys_pkey";--> statement-breakpoint
ALTER TABLE "x_data_keys" ADD CONSTRAINT "x_data_keys_tenant_id_version_pk" PRIMARY KEY("tenant_id","version");--> statement-breakpoint
ALTER TABLE "x_connections" ADD COLUMN "sealed_epoch" text DEFAULT '' NOT NULL;
