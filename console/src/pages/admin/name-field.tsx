import type { ReactNode } from 'react';
import { Field } from './common.js';

/** IAM's names: letters, digits and + = , . @ _ - (up to `max`). */
export function iamName(max: number): string {
  return `[\\w+=,.@\\-]{1,${max}}`;
}

/** The required name of something being created, checked against `pattern` by the browser. */
export function NameField({
  label,
  hint,
  pattern,
  value,
  onChange,
  autoFocus,
}: {
  label: string;
  hint?: ReactNode;
  pattern: string;
  value: string;
  onChange: (v: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <Field label={label} hint={hint}>
      <input
        required
        // biome-ignore lint/a11y/noAutofocus: only the create dialogs ask for it, as the dialog's first field
        autoFocus={autoFocus}
        pattern={pattern}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

/** The optional description of a policy or role. */
export function DescriptionField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <Field label="Description (optional)">
      <input value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}
