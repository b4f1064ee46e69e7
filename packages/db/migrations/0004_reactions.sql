CREATE TABLE "reactions" (
	"message_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"emoji" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reactions_message_id_emoji_user_id_pk" PRIMARY KEY("message_id","emoji","user_id"),
	CONSTRAINT "reactions_emoji_length" CHECK (char_length("reactions"."emoji") between 1 and 64)
);
--> statement-breakpoint
ALTER TABLE "room_events" DROP CONSTRAINT "room_events_type";--> statement-breakpoint
ALTER TABLE "room_events" ADD COLUMN "actor_id" uuid;--> statement-breakpoint
ALTER TABLE "room_events" ADD COLUMN "emoji" text;--> statement-breakpoint
ALTER TABLE "reactions" ADD CONSTRAINT "reactions_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reactions" ADD CONSTRAINT "reactions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_events" ADD CONSTRAINT "room_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_events" ADD CONSTRAINT "room_events_reaction" CHECK (("room_events"."type" like 'reaction.%') = ("room_events"."actor_id" is not null and "room_events"."emoji" is not null));--> statement-breakpoint
ALTER TABLE "room_events" ADD CONSTRAINT "room_events_type" CHECK ("room_events"."type" in ('message.created', 'message.edited', 'message.deleted', 'reaction.added', 'reaction.removed'));