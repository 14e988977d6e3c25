/** A dialog form's buttons: Cancel, then the primary submit (disabled while `busy`). */
export function SubmitActions({
  label,
  onCancel,
  busy,
}: {
  label: string;
  onCancel: () => void;
  busy?: boolean;
}) {
  return (
    <div className="dialog-actions">
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={busy}>
        {label}
      </button>
    </div>
  );
}

/** A read-only dialog's one button. */
export function CloseActions({ onClose }: { onClose: () => void }) {
  return (
    <div className="dialog-actions">
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
