/**
 * Room settings (issue 12): rename and topic, roles with the last-admin rule, archiving
 * (read-only), each live on another member's subscriptions; a removed member is told who.
 */
import { LIMITS } from '@parley/api-contract/limits';
import type { ActivityEvent, UserEvent } from '@parley/api-contract/schemas';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { clientId, shareRoom, signUp, waitFor, withPeople } from '../support/harness.js';

const { server, Ana: ana, Ben: ben } = withPeople(['Ana', 'Ben']);

/** The error a call fails with (the test fails if it succeeds). */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return { code: String(error.data?.code), message: error.message };
    }
    throw error;
  }
  throw new Error('expected the call to be refused');
}

/** Ben's live streams: his own user events, and the room's activity. */
async function listen(roomId: string) {
  const user: UserEvent[] = [];
  const activity: ActivityEvent[] = [];
  let started = 0;
  const onStarted = () => {
    started++;
  };
  const userSub = ben.client.live.userEvents.subscribe(undefined, {
    onStarted,
    onData: (e) => user.push(e),
  });
  const activitySub = ben.client.live.roomActivity.subscribe(
    { roomId },
    { onStarted, onData: (e) => activity.push(e) },
  );
  await waitFor(() => started === 2 && activity.length > 0, 'subscriptions');
  return {
    user,
    activity,
    stop() {
      userSub.unsubscribe();
      activitySub.unsubscribe();
    },
  };
}

describe('rooms.update', () => {
  it('renames a room and sets its topic, live for another member', async () => {
    const room = await shareRoom(ana, ben, 'plans');
    const live = await listen(room.id);
    const info = await ana.client.rooms.update.mutate({
      roomId: room.id,
      name: '  launch plans ',
      topic: 'Ship it by Friday',
    });
    expect(info).toEqual({
      id: room.id,
      name: 'launch plans',
      topic: 'Ship it by Friday',
      archivedAt: null,
    });
    await waitFor(() => live.user.some((e) => e.type === 'room.updated'), 'room.updated (user)');
    await waitFor(
      () => live.activity.some((e) => e.type === 'room.updated'),
      'room.updated (activity)',
    );
    expect(live.user.find((e) => e.type === 'room.updated')).toEqual({
      type: 'room.updated',
      room: info,
    });
    const fromActivity = live.activity.find((e) => e.type === 'room.updated');
    expect(fromActivity).toMatchObject({ room: info, by: { id: ana.user.id } });
    const [listed] = (await ben.client.rooms.list.query()).filter((r) => r.id === room.id);
    expect(listed).toMatchObject({ name: 'launch plans', topic: 'Ship it by Friday' });
    // Only the topic: the name stays; an empty topic clears it.
    await ana.client.rooms.update.mutate({ roomId: room.id, topic: '' });
    const [again] = (await ana.client.rooms.list.query()).filter((r) => r.id === room.id);
    expect(again).toMatchObject({ name: 'launch plans', topic: '', role: 'admin' });
    live.stop();
  });

  it('is for room admins only, with name and topic rules', async () => {
    const room = await shareRoom(ana, ben, 'rules');
    expect(await refusal(ben.client.rooms.update.mutate({ roomId: room.id, topic: 'x' }))).toEqual({
      code: 'FORBIDDEN',
      message: 'Only the room’s admins can rename it or set its topic.',
    });
    const tooLong = await refusal(
      ana.client.rooms.update.mutate({
        roomId: room.id,
        topic: 'x'.repeat(LIMITS.roomTopicMax + 1),
      }),
    );
    expect(tooLong.code).toBe('BAD_REQUEST');
    expect(tooLong.message).toContain(`at most ${LIMITS.roomTopicMax} characters`);
    const empty = await refusal(ana.client.rooms.update.mutate({ roomId: room.id, name: '  ' }));
    expect(empty.message).toContain('Room names cannot be empty.');
    const control = await refusal(
      ana.client.rooms.update.mutate({ roomId: room.id, topic: 'bell\u0007' }),
    );
    expect(control.message).toContain('A topic cannot contain control characters.');
    // Public names are unique.
    await ana.client.rooms.create.mutate({ name: 'Taken Name', visibility: 'public' });
    const pub = await ana.client.rooms.create.mutate({ name: 'free name', visibility: 'public' });
    expect(
      await refusal(ana.client.rooms.update.mutate({ roomId: pub.id, name: 'Taken Name' })),
    ).toEqual({ code: 'CONFLICT', message: 'A public room named “Taken Name” already exists.' });
    // Nor can a rename look like another public room (a Cyrillic е).
    const lookalike = await refusal(
      ana.client.rooms.update.mutate({ roomId: pub.id, name: 'Tak\u0435n Name' }),
    );
    expect(lookalike.code).toBe('CONFLICT');
    expect(lookalike.message).toContain('looks too much like the public room “Taken Name”');
    // A direct conversation has no admins.
    const dm = await ana.client.rooms.openDirect.mutate({ username: ben.user.username });
    expect(
      (await refusal(ana.client.rooms.update.mutate({ roomId: dm.id, topic: 'x' }))).code,
    ).toBe('BAD_REQUEST');
  });
});

describe('rooms.setRole', () => {
  it('makes a member an admin and back, live; the last admin cannot step down', async () => {
    const room = await shareRoom(ana, ben, 'roles');
    const live = await listen(room.id);
    // Ana is the only admin.
    expect(
      await refusal(
        ana.client.rooms.setRole.mutate({ roomId: room.id, userId: ana.user.id, role: 'member' }),
      ),
    ).toEqual({
      code: 'BAD_REQUEST',
      message: 'You are this room’s only admin: make someone else an admin before stepping down.',
    });
    // Ben is not an admin yet: he cannot make himself one.
    expect(
      (
        await refusal(
          ben.client.rooms.setRole.mutate({ roomId: room.id, userId: ben.user.id, role: 'admin' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    await ana.client.rooms.setRole.mutate({ roomId: room.id, userId: ben.user.id, role: 'admin' });
    await waitFor(
      () => live.user.some((e) => e.type === 'room.role' && e.role === 'admin'),
      'room.role for ben',
    );
    await waitFor(
      () => live.activity.some((e) => e.type === 'member.role' && e.userId === ben.user.id),
      'member.role',
    );
    const members = await ben.client.rooms.members.query({ roomId: room.id });
    expect(members.map((m) => [m.username, m.role])).toEqual([
      [ana.user.username, 'admin'],
      [ben.user.username, 'admin'],
    ]);
    // Now Ana may step down, and then Ben is the last admin.
    await ana.client.rooms.setRole.mutate({ roomId: room.id, userId: ana.user.id, role: 'member' });
    expect(
      (
        await refusal(
          ben.client.rooms.setRole.mutate({ roomId: room.id, userId: ben.user.id, role: 'member' }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    const [listed] = (await ana.client.rooms.list.query()).filter((r) => r.id === room.id);
    expect(listed?.role).toBe('member');
    live.stop();
  });

  it('two admins stepping down at once leave one admin', async () => {
    const room = await shareRoom(ana, ben, 'both step down');
    await ana.client.rooms.setRole.mutate({ roomId: room.id, userId: ben.user.id, role: 'admin' });
    const results = await Promise.allSettled([
      ana.client.rooms.setRole.mutate({ roomId: room.id, userId: ana.user.id, role: 'member' }),
      ben.client.rooms.setRole.mutate({ roomId: room.id, userId: ben.user.id, role: 'member' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const members = await ana.client.rooms.members.query({ roomId: room.id });
    expect(members.filter((m) => m.role === 'admin')).toHaveLength(1);
  });

  it('the target must be a member', async () => {
    const room = await ana.client.rooms.create.mutate({ name: 'alone', visibility: 'private' });
    expect(
      await refusal(
        ana.client.rooms.setRole.mutate({ roomId: room.id, userId: ben.user.id, role: 'admin' }),
      ),
    ).toEqual({ code: 'NOT_FOUND', message: 'That person is not a member of this room.' });
  });
});

describe('rooms.archive', () => {
  it('makes a room read-only, live for another member, until unarchived', async () => {
    const room = await shareRoom(ana, ben, 'archive me');
    const sent = await ben.client.messages.send.mutate({
      roomId: room.id,
      body: 'before',
      clientId: clientId(),
    });
    const live = await listen(room.id);
    const archived = await ana.client.rooms.archive.mutate({ roomId: room.id });
    expect(archived.archivedAt).toEqual(expect.any(String));
    await waitFor(
      () => live.user.some((e) => e.type === 'room.updated' && e.room.archivedAt !== null),
      'archived (user)',
    );
    await waitFor(
      () => live.activity.some((e) => e.type === 'room.updated' && e.room.archivedAt !== null),
      'archived (activity)',
    );
    const [listed] = (await ben.client.rooms.list.query()).filter((r) => r.id === room.id);
    expect(listed?.archivedAt).toBe(archived.archivedAt);

    const readOnly = {
      code: 'FORBIDDEN',
      message: expect.stringContaining('This room is archived'),
    };
    expect(
      await refusal(
        ben.client.messages.send.mutate({ roomId: room.id, body: 'after', clientId: clientId() }),
      ),
    ).toEqual(readOnly);
    expect(
      await refusal(ben.client.messages.edit.mutate({ messageId: sent.id, body: 'edited' })),
    ).toEqual(readOnly);
    expect(await refusal(ben.client.messages.delete.mutate({ messageId: sent.id }))).toEqual(
      readOnly,
    );
    const cleo = await signUp(server.app.url, 'Cleo');
    expect(
      await refusal(
        ana.client.rooms.invite.mutate({ roomId: room.id, username: cleo.user.username }),
      ),
    ).toEqual(readOnly);
    expect(await refusal(ana.client.rooms.update.mutate({ roomId: room.id, topic: 'x' }))).toEqual(
      readOnly,
    );
    const pub = await ana.client.rooms.create.mutate({
      name: 'archived public',
      visibility: 'public',
    });
    await ana.client.rooms.archive.mutate({ roomId: pub.id });
    expect(await refusal(cleo.client.rooms.join.mutate({ roomId: pub.id }))).toEqual(readOnly);
    cleo.close();
    // History stays readable; archiving twice changes nothing.
    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items.map((m) => m.body)).toEqual(['before']);
    expect(await ana.client.rooms.archive.mutate({ roomId: room.id })).toEqual(archived);
    // Only admins unarchive; then sends work again.
    expect((await refusal(ben.client.rooms.unarchive.mutate({ roomId: room.id }))).code).toBe(
      'FORBIDDEN',
    );
    await ana.client.rooms.unarchive.mutate({ roomId: room.id });
    await waitFor(
      () =>
        live.user.filter((e) => e.type === 'room.updated').length === 2 &&
        live.user.some((e) => e.type === 'room.updated' && e.room.archivedAt === null),
      'unarchived (user)',
    );
    await ben.client.messages.send.mutate({ roomId: room.id, body: 'again', clientId: clientId() });
    live.stop();
  });
});

describe('rooms.kick', () => {
  it('tells the removed person who removed them, and from which room', async () => {
    const room = await shareRoom(ana, ben, 'kick explained');
    const live = await listen(room.id);
    await ana.client.rooms.kick.mutate({ roomId: room.id, username: ben.user.username });
    await waitFor(() => live.user.some((e) => e.type === 'room.removed'), 'room.removed');
    expect(live.user.find((e) => e.type === 'room.removed')).toEqual({
      type: 'room.removed',
      roomId: room.id,
      removedBy: { id: ana.user.id, username: ana.user.username, displayName: 'Ana' },
      roomName: 'kick explained',
    });
    live.stop();
  });

  it('leaving says nothing of who', async () => {
    const room = await shareRoom(ana, ben, 'just leave');
    const live = await listen(room.id);
    await ben.client.rooms.leave.mutate({ roomId: room.id });
    await waitFor(() => live.user.some((e) => e.type === 'room.removed'), 'room.removed');
    expect(live.user.find((e) => e.type === 'room.removed')).toEqual({
      type: 'room.removed',
      roomId: room.id,
    });
    live.stop();
  });
});
