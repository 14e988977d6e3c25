import { type ReactNode, useState } from 'react';
import { Dialog } from './index.js';

/** A read-only value with a Copy button (the clipboard API; selecting the text when it is refused). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <label className="copy-field">
      <span>{label}</span>
      <span className="copy-row">
        <input readOnly value={value} aria-label={label} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          onClick={(e) => {
            const input = (e.currentTarget.previousElementSibling as HTMLInputElement | null) ?? undefined;
            navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => input?.select(),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </span>
    </label>
  );
}

/**
 * New credentials, shown once: the access key and the secret with copy buttons and a warning
 * that the secret cannot be shown again. Closing (Done, Escape) forgets them.
 */
export function SecretDialog({
  title,
  credentials,
  onClose,
  children,
}: {
  title: string;
  credentials: { accessKey: string; secretKey: string; expiration?: string } | undefined;
  onClose: () => void;
  children?: ReactNode;
}) {
  return (
    <Dialog title={title} open={credentials !== undefined} onClose={onClose}>
      {credentials ? (
        <div className="secret-dialog">
          <p className="warning" role="note">
            Copy the secret key now: this is the only time it is shown. Tessera keeps it encrypted and cannot
            show it again; if it is lost, delete the key and create a new one.
          </p>
          <CopyField label="Access key ID" value={credentials.accessKey} />
          <CopyField label="Secret access key" value={credentials.secretKey} />
          {credentials.expiration ? (
            <p>
              Expires <time dateTime={credentials.expiration}>{credentials.expiration}</time>.
            </p>
          ) : null}
          {children}
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}

/** A button that asks before it acts (a dialog: Enter confirms, Escape cancels). */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  className = 'danger',
  confirmLabel,
}: {
  label: string;
  question: ReactNode;
  onConfirm: () => Promise<unknown> | undefined;
  className?: string;
  confirmLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)}>
        {label}
      </button>
      <Dialog title={label} open={open} onClose={() => setOpen(false)}>
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            setOpen(false);
            void onConfirm();
          }}
        >
          <p>{question}</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            {/* biome-ignore lint/a11y/noAutofocus: the dialog's one decision */}
            <button type="submit" className={className} autoFocus>
              {confirmLabel ?? label}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
