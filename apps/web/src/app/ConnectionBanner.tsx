import { useConnectionStatus } from '../lib/connection';

export function ConnectionBanner() {
  const status = useConnectionStatus();
  const show = status === 'reconnecting' || status === 'offline';
  return (
    <div className={`conn-banner ${show ? 'show' : ''}`} role="status" aria-live="polite">
      {show && (
        <>
          <span className="spinner" aria-hidden="true" />
          {status === 'offline' ? 'You are offline. Reconnecting…' : 'Reconnecting…'}
        </>
      )}
    </div>
  );
}
