import type { UserRef } from '@parley/api-contract';
import { useState } from 'react';
import { AccountBar } from '../features/auth/AccountBar';
import { COMPOSER_ID } from '../features/messages/Composer';
import { outbox } from '../features/messages/outbox';
import { useOutboxSender } from '../features/messages/useSendMessage';
import { RoomView } from '../features/room/RoomView';
import { RoomDialog, type RoomDialogKind } from '../features/rooms/dialogs';
import { useCurrentRoom, useRoomListLive } from '../features/rooms/roomList';
import { Sidebar } from '../features/rooms/Sidebar';
import { ConnectionBanner } from './ConnectionBanner';
import { usePageTitle } from './pageTitle';
import { useRecoverFailedQueries } from './recovery';

/** The signed-in screen: the sidebar, the open room (or a welcome), the room dialogs. */
export function ChatShell({ me }: { me: UserRef }) {
  const [dialog, setDialog] = useState<RoomDialogKind | null>(null);
  useRoomListLive(me.id);
  useOutboxSender(me.id);
  useRecoverFailedQueries();
  const { roomId, room, rooms } = useCurrentRoom();
  usePageTitle(rooms, roomId);

  return (
    // The whole app is the page's main content: on a phone the room list alone is the screen.
    <main className={`shell ${roomId ? 'has-room' : 'no-room'}`}>
      {room && (
        <a
          className="skip-link"
          href={`#${COMPOSER_ID}`}
          onClick={(e) => {
            e.preventDefault(); // the hash is the route
            document.getElementById(COMPOSER_ID)?.focus();
          }}
        >
          Skip to composer
        </a>
      )}
      <ConnectionBanner />
      <Sidebar
        onDialog={setDialog}
        footer={<AccountBar me={me} onSignOut={() => outbox.forget(me.id)} />}
        brandIsTitle={!room}
      />
      <div className="main">
        {room ? (
          <RoomView key={room.id} room={room} me={me} />
        ) : (
          <Welcome hasRooms={Boolean(rooms?.length)} onDialog={setDialog} />
        )}
      </div>
      {dialog && <RoomDialog kind={dialog} onClose={() => setDialog(null)} />}
    </main>
  );
}

function Welcome({
  hasRooms,
  onDialog,
}: {
  hasRooms: boolean;
  onDialog: (kind: RoomDialogKind) => void;
}) {
  return (
    <div className="empty-main">
      <span className="logo big" aria-hidden="true" />
      <h2>{hasRooms ? 'Pick a conversation' : 'Welcome to Parley'}</h2>
      <p className="muted">
        {hasRooms
          ? 'Choose a room on the left, or start something new.'
          : 'Create a room, join a public one, or message someone directly.'}
      </p>
      <div className="empty-actions">
        <button type="button" className="btn primary" onClick={() => onDialog('create')}>
          Create a room
        </button>
        <button type="button" className="btn" onClick={() => onDialog('browse')}>
          Browse rooms
        </button>
      </div>
    </div>
  );
}
