ALTER TABLE "rooms" ADD COLUMN "name_key" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "username_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_public_name_skeleton_key" ON "rooms" USING btree ("name_key") WHERE "rooms"."kind" = 'public';--> statement-breakpoint
CREATE INDEX "users_username_key_idx" ON "users" USING btree ("username_key");