import { type ReactNode, useState } from 'react';
import { Dialog, ErrorBox } from './index.js';

/**
 * "Are you sure?" as a modal dialog: the action runs on confirm, and its error (with the API's
 * code) is shown in the dialog, which stays open; Escape or Cancel closes it.
 */
export function ConfirmDialog({
  title,
  open,
  confirmLabel,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    setError(undefined);
    onClose();
  };
  return (
    <Dialog title={title} open={open} onClose={close}>
      <div className="dialog-body">{children}</div>
      <ErrorBox error={error} />
      <div className="dialog-actions">
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(undefined);
            onConfirm().then(
              () => {
                setBusy(false);
                close();
              },
              (e: unknown) => {
                setBusy(false);
                setError(e);
              },
            );
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
