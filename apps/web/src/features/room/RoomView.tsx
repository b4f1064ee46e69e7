import type { RoomSummary, UserRef } from '@parley/api-contract';
import { useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { Notice } from '../../ui/Notice';
import { Conversation } from '../messages/Conversation';
import { useRoomMessages } from '../messages/useRoomMessages';
import { beginningOf, roomLabel } from '../rooms/labels';
import { useRefreshRoomList } from '../rooms/roomList';
import { InviteDialog } from './InviteDialog';
import { MemberList } from './MemberList';
import { useLeaveRoom, useRefreshMembers } from './membership';
import { RoomHeader } from './RoomHeader';
import { TypingIndicator } from './TypingIndicator';
import { useReadMarker } from './useReadMarker';
import { useRoomActivity, useTypingSignal } from './useRoomActivity';

/** One open room: its header and members, the conversation, who is typing. */
export function RoomView({ room, me }: { room: RoomSummary; me: UserRef }) {
  const roomId = room.id;
  const messages = useRoomMessages(roomId, me.id);
  useReadMarker(room, messages.newestPosition);
  const refreshMembers = useRefreshMembers(roomId);
  const refreshRooms = useRefreshRoomList();
  // Someone joined, left or was removed: the member list and the header's count follow.
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
  const [inviting, setInviting] = useState(false);
  const [showMembers, setShowMembers] = useState(false);

  const title = roomLabel(room);
  const peerOnline = room.peer ? (online?.has(room.peer.id) ?? room.peer.online) : false;

  return (
    <section className="room" aria-label={title}>
      <RoomHeader
        room={room}
        onlineCount={online?.size ?? 0}
        peerOnline={peerOnline}
        membersShown={showMembers}
        onToggleMembers={() => setShowMembers((s) => !s)}
        onInvite={() => setInviting(true)}
        onLeave={leave}
        leaving={leaving}
      />
      {showMembers && (
        <MemberList roomId={roomId} online={online} onClose={() => setShowMembers(false)} />
      )}
      {notice && <Notice message={notice} onDismiss={() => setNotice(null)} />}
      <Conversation
        messages={messages}
        roomId={roomId}
        roomName={title}
        beginning={beginningOf(room)}
        me={me}
        canModerate={room.role === 'admin'}
        onNotice={setNotice}
        onTyping={onTyping}
        aboveComposer={<TypingIndicator names={[...typing.values()].map((t) => t.name)} />}
      />
      {inviting && (
        <InviteDialog roomId={roomId} roomName={title} onClose={() => setInviting(false)} />
      )}
    </section>
  );
}
