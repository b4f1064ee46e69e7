import { lazy, Suspense, useState } from 'react';
import { AccountBar } from '../features/auth/AccountBar';
import { ScreenTabs } from '../features/auth/ScreenTabs';
import { type Me, useMeUpdated, useSessionWatch } from '../features/auth/session';
// Static, not lazy: the screen is small, and splitting it off made Rollup split a shared chunk
// out of the first download, which cost more than the screen (build-size.json).
import { MentionsScreen } from '../features/mentions/MentionsScreen';
import { COMPOSER_ID } from '../features/messages/Composer';
import { outbox } from '../features/messages/outbox';
import { useOutboxSender } from '../features/messages/useSendMessage';
import { countHidden, useHiddenUnread } from '../features/notifications/hiddenUnread';
import { RoomView } from '../features/room/RoomView';
import { RoomDialog, type RoomDialogKind } from '../features/rooms/dialogs';
import { useRemovalNotice } from '../features/rooms/removalNotice';
import { useCurrentRoom, useRoomListLive } from '../features/rooms/roomList';
import { Sidebar } from '../features/rooms/Sidebar';
import { SearchBox } from '../features/search/SearchBox';
import { currentRoomId, useScreenRoute } from '../lib/route';
import { Notice } from '../ui/Notice';
import { ConnectionBanner } from './ConnectionBanner';
import { usePageTitle } from './pageTitle';
import { useRecoverFailedQueries } from './recovery';

// Settings and Admin are seldom open: they load when first opened, not with the chat.
const SettingsScreen = lazy(() =>
  import('../features/settings/SettingsScreen').then((m) => ({ default: m.SettingsScreen })),
);
const AdminScreen = lazy(() =>
  import('../features/admin/AdminScreen').then((m) => ({ default: m.AdminScreen })),
);

/**
 * The signed-in screen: the sidebar, the open room (or Settings, Admin, a welcome), the room
 * dialogs.
 */
export function ChatShell({ me }: { me: Me }) {
  const [dialog, setDialog] = useState<RoomDialogKind | null>(null);
  const meUpdated = useMeUpdated();
  const { roomId, room, rooms } = useCurrentRoom();
  useRoomListLive(me.id, (event) => {
    if (event.type === 'user.updated' && event.user.id === me.id) meUpdated(event.user);
    const openId = currentRoomId();
    countHidden(event, me.id, openId);
    // The notifier loads with the first message from someone else (not for a first paint).
    if (event.type === 'room.activity' && event.change === 'created' && event.authorId !== me.id) {
      void import('../features/notifications/desktop').then((m) =>
        m.notifyFor(event, rooms, me.id, openId),
      );
    }
  });
  useSessionWatch();
  const screen = useScreenRoute();
  const page =
    screen === 'settings' ? (
      <SettingsScreen me={me} tabs={<ScreenTabs me={me} />} />
    ) : screen === 'admin' && me.role === 'owner' ? (
      <AdminScreen me={me} tabs={<ScreenTabs me={me} />} />
    ) : screen === 'mentions' ? (
      <MentionsScreen />
    ) : null;
  useOutboxSender(me.id);
  useRecoverFailedQueries();
  usePageTitle(rooms, roomId, useHiddenUnread());
  const removal = useRemovalNotice();

  return (
    // The whole app is the page's main content: on a phone the room list alone is the screen.
    <main className={`shell ${roomId || page ? 'has-room' : 'no-room'}`}>
      {room && room.archivedAt === null && (
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
        brandIsTitle={!room && !page}
      />
      <div className="main">
        <SearchBox />
        {page ? (
          <Suspense
            fallback={
              <div className="splash" role="status">
                Loading…
              </div>
            }
          >
            {page}
          </Suspense>
        ) : room ? (
          <RoomView key={room.id} room={room} me={me} />
        ) : (
          <Welcome hasRooms={Boolean(rooms?.length)} onDialog={setDialog} />
        )}
      </div>
      {removal.message && (
        // Someone removed me from a room: said where I look, whichever screen is showing.
        <div className="toast">
          <Notice message={removal.message} onDismiss={removal.dismiss} />
        </div>
      )}
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
