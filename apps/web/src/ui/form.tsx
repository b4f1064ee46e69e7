import {
  type InputHTMLAttributes,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useState,
} from 'react';
import { type FieldErrors, loadSchemas } from '../lib/validate';

/** A labelled input with its error underneath, announced with the input. */
export function TextField({
  label,
  value,
  onChange,
  error,
  ...rest
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A problem with the form as a whole (not one field). */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** A form's success note. */
export function FormStatus({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-ok" role="status">
      {message}
    </p>
  );
}

/** The buttons under a dialog's form: the secondary one first, the submit last. */
export function FormActions({ children }: { children: ReactNode }) {
  return <div className="modal-actions">{children}</div>;
}

/**
 * A form's values and errors. `field(name)` gives a TextField its value, error and onChange;
 * typing in a field clears that field's error. The contract's schemas start loading here, so
 * they are there by the time the form is submitted.
 */
export function useForm<F extends string>(initial: Record<F, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  useEffect(() => {
    loadSchemas().catch(() => {}); // a failure shows when the form is submitted
  }, []);
  const set = useCallback((name: F, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => (e[name] ? { ...e, [name]: undefined } : e));
  }, []);
  const field = (name: F) => ({
    name,
    value: values[name],
    error: errors[name],
    onChange: (value: string) => set(name, value),
  });
  return { values, setValues, errors, setErrors, field };
}

/** Focuses the first of `order` that has an error. */
export function focusFirstError(
  form: HTMLFormElement,
  errors: Partial<Record<string, string>>,
  order: readonly string[],
): void {
  const first = order.find((f) => errors[f]);
  const input = first ? form.elements.namedItem(first) : null;
  if (input instanceof HTMLElement) input.focus();
}
