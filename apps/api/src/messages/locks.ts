import { type DbOrTx, lockRoom, messages } from '@parley/db';
import { eq } from 'drizzle-orm';

/**
 * A message read with its room's row and then its own row locked (the lock order every write
 * on a message keeps), or null if there is none. A message never changes room, so its room
 * can be looked up before the lock.
 */
export async function lockedMessage(tx: DbOrTx, messageId: string) {
  const [found] = await tx
    .select({ roomId: messages.roomId })
    .from(messages)
    .where(eq(messages.id, messageId));
  if (!found || !(await lockRoom(tx, found.roomId))) return null;
  const [message] = await tx
    .select()
    .from(messages)
    .where(eq(messages.id, messageId))
    .for('no key update');
  return message ?? null;
}
