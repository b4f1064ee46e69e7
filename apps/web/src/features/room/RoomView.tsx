import type { RoomSummary, UserRef } from '@parley/api-contract';
import { useCallback, useId, useMemo, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { openThread, useMessageTarget, useThreadRoute } from '../../lib/route';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Notice } from '../../ui/Notice';
import { Conversation } from '../messages/Conversation';
import type { DisplayMessage } from '../messages/rows';
import { ThreadPeopleContext } from '../messages/ThreadSummary';
import { useRoomMessages } from '../messages/useRoomMessages';
import { beginningOf, roomLabel } from '../rooms/labels';
import { useRefreshRoomList } from '../rooms/roomList';
// Static, not lazy: splitting the panel off made Rollup split a shared chunk out of the first
// download, which cost more than the panel (0.8 kB brotli more, build-size.json).
import { ThreadPanel } from '../threads/ThreadPanel';
import { InviteDialog } from './InviteDialog';
import { MemberList } from './MemberList';
import { useLeaveRoom, useMembers, useRefreshMembers } from './membership';
import { RoomHeader } from './RoomHeader';
import { RoomSettingsDialog } from './RoomSettingsDialog';
import { useSetArchived } from './roomSettings';
import { TypingIndicator } from './TypingIndicator';
import { useReadMarker } from './useReadMarker';
import { useRoomActivity, useTypingSignal } from './useRoomActivity';

type Dialog = 'invite' | 'settings' | 'leave';

const NO_MEMBERS: UserRef[] = [];

/** One open room: its header and members, the conversation, who is typing. */
export function RoomView({ room, me }: { room: RoomSummary; me: UserRef }) {
  const roomId = room.id;
  const messages = useRoomMessages(roomId, me.id, useMessageTarget());
  useReadMarker(room, messages.newestPosition);
  const refreshMembers = useRefreshMembers(roomId);
  const members = useMembers(roomId);
  const refreshRooms = useRefreshRoomList();
  // Someone joined, left, was removed or changed role: the member list and the header follow.
  const { online, typing } = useRoomActivity(
    roomId,
    me.id,
    () => {
      void refreshMembers();
      void refreshRooms();
    },
    // A new display name: on their messages, and in the member list.
    (user) => {
      messages.renamed(user);
      void refreshMembers();
    },
  );
  const onTyping = useTypingSignal(roomId);
  const [notice, setNotice] = useState<string | null>(null);
  const { leave, leaving } = useLeaveRoom(roomId, (error) => setNotice(errorMessage(error)));
  const archiving = useSetArchived(roomId, { onError: (error) => setNotice(errorMessage(error)) });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  const membersId = useId();
  const thread = useThreadRoute();
  const people = useMemo(
    () => new Map((members.data ?? NO_MEMBERS).map((u) => [u.id, u])),
    [members.data],
  );
  const onThread = useCallback(
    (m: DisplayMessage) => {
      if (m.id) openThread(roomId, m.id);
    },
    [roomId],
  );

  const title = roomLabel(room);
  const peerOnline = room.peer ? (online?.has(room.peer.id) ?? room.peer.online) : false;
  const archived = room.archivedAt !== null;
  const isAdmin = room.role === 'admin';

  return (
    <section className="room" aria-label={title}>
      {/* The member list hangs under the header, however tall the header wraps. */}
      <div className="room-top">
        <RoomHeader
          room={room}
          onlineCount={online?.size ?? 0}
          peerOnline={peerOnline}
          membersId={membersId}
          membersShown={showMembers}
          onToggleMembers={() => setShowMembers((s) => !s)}
          onInvite={() => setDialog('invite')}
          onSettings={() => setDialog('settings')}
          // Leaving a private room cannot be undone alone: ask first.
          onLeave={() => (room.kind === 'private' ? setDialog('leave') : leave())}
          leaving={leaving}
        />
        {showMembers && (
          <MemberList
            id={membersId}
            room={room}
            me={me}
            online={online}
            onClose={() => setShowMembers(false)}
            onNotice={setNotice}
          />
        )}
      </div>
      {notice && <Notice message={notice} onDismiss={() => setNotice(null)} />}
      <ThreadPeopleContext.Provider value={people}>
        {/* The conversation, and an open thread beside it (over it below 720 px). */}
        <div className={`room-split ${thread.rootId ? 'with-thread' : ''}`}>
          <div className="room-main">
            <Conversation
              messages={messages}
              roomId={roomId}
              roomName={title}
              beginning={beginningOf(room)}
              me={me}
              canModerate={isAdmin}
              onNotice={setNotice}
              onTyping={onTyping}
              unreadAfter={room.unread > 0 ? room.lastReadPosition : null}
              members={members.data ?? NO_MEMBERS}
              aboveComposer={<TypingIndicator names={[...typing.values()].map((t) => t.name)} />}
              readOnly={
                archived ? (
                  <div className="archived-note" role="status">
                    <span>This room is archived: it is read-only.</span>
                    {isAdmin && (
                      <button
                        type="button"
                        className="btn small"
                        onClick={archiving.unarchive}
                        disabled={archiving.pending}
                      >
                        Unarchive
                      </button>
                    )}
                  </div>
                ) : undefined
              }
              onThread={onThread}
            />
          </div>
          {thread.rootId && (
            <ThreadPanel
              key={thread.rootId}
              roomId={roomId}
              rootId={thread.rootId}
              replyId={thread.replyId}
              roomName={title}
              me={me}
              members={members.data ?? NO_MEMBERS}
              canModerate={isAdmin}
              readOnly={archived}
              room={messages}
              onNotice={setNotice}
            />
          )}
        </div>
      </ThreadPeopleContext.Provider>
      {dialog === 'invite' && (
        <InviteDialog roomId={roomId} roomName={title} onClose={() => setDialog(null)} />
      )}
      {dialog === 'settings' && <RoomSettingsDialog room={room} onClose={() => setDialog(null)} />}
      {dialog === 'leave' && (
        <ConfirmDialog
          title={`Leave ${title}?`}
          confirmLabel="Leave"
          busy={leaving}
          onConfirm={() => {
            setDialog(null);
            leave();
          }}
          onClose={() => setDialog(null)}
        >
          <p>This room is private. You will need an invite to return.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
