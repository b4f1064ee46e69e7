import { typingText } from './activity';

export function TypingIndicator({ names }: { names: readonly string[] }) {
  return (
    <div className="typing" aria-live="polite">
      {names.length > 0 && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {typingText(names)}
        </>
      )}
    </div>
  );
}
