/**
 * An optional capability of an IAM store: being told soon after any process commits changes,
 * so the change feed polls at once instead of at its next interval (polling stays the fallback:
 * a notification can be lost while the listener reconnects). The PostgreSQL store has it
 * (LISTEN/NOTIFY, pg-iam-listen.ts); this file loads no driver.
 */
export interface IamChangeListener {
  /**
   * Calls `onChange` after changes commit anywhere (`seq`: the committing transaction's last
   * sequence number; undefined after a reconnect, when notifications may have been missed).
   * Returns a function that stops listening.
   */
  listenChanges(onChange: (seq: number | undefined) => void): () => void;
}

/** True when `store` can listen for changes. */
export function canListenChanges<S extends object>(store: S): store is S & IamChangeListener {
  return typeof (store as Partial<IamChangeListener>).listenChanges === 'function';
}
