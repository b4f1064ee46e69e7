CREATE TABLE "message_threads" (
	"root_id" uuid PRIMARY KEY NOT NULL,
	"reply_count" bigint NOT NULL,
	"last_reply_at" timestamp with time zone NOT NULL,
	"participants" uuid[] NOT NULL,
	CONSTRAINT "message_threads_reply_count" CHECK ("message_threads"."reply_count" > 0)
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_id" uuid;--> statement-breakpoint
ALTER TABLE "message_threads" ADD CONSTRAINT "message_threads_root_id_messages_id_fk" FOREIGN KEY ("root_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("thread_id","position") WHERE "messages"."thread_id" is not null;