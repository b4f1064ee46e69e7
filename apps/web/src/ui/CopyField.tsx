import { useId, useRef, useState } from 'react';

/**
 * Something to copy (a secret, a link): read-only, selectable, with a Copy button. Where the
 * clipboard is refused, the text is selected so that the keyboard's copy works.
 */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('Copied.');
    } catch {
      input.current?.select();
      setStatus('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input
          id={id}
          ref={input}
          value={value}
          readOnly
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="btn" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="form-ok small" role="status">
        {status}
      </p>
    </div>
  );
}
