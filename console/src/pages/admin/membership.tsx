import { useState } from 'react';
import { href } from './common.js';

/**
 * Group membership seen from one side: the other side's names as chips (each with Remove) and a
 * form to add one of the names not yet in the list.
 */
export function Membership({
  members,
  candidates,
  linkTo,
  listLabel,
  addLabel,
  chooseLabel,
  placeholder,
  busy,
  onRemove,
  onAdd,
}: {
  members: readonly string[];
  /** Every name that could be added; members are left out. */
  candidates: readonly string[];
  /** The route the chips link to: `users` or `groups`. */
  linkTo: string;
  listLabel: string;
  addLabel: string;
  chooseLabel: string;
  placeholder: string;
  busy: boolean;
  onRemove: (name: string) => void;
  /** Adds the chosen name; the choice is cleared once it is done. */
  onAdd: (name: string) => Promise<unknown>;
}) {
  const [choice, setChoice] = useState('');
  const mine = new Set(members);
  return (
    <>
      <ul className="chips" aria-label={listLabel}>
        {members.map((m) => (
          <li key={m}>
            <a href={href(linkTo, m)}>{m}</a>
            <button type="button" className="link danger" onClick={() => onRemove(m)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void onAdd(choice).then(() => setChoice(''));
        }}
      >
        <label>
          <span>{addLabel}</span>
          <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label={chooseLabel}>
            <option value="">{placeholder}</option>
            {candidates
              .filter((c) => !mine.has(c))
              .map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
          </select>
        </label>
        <button type="submit" disabled={choice === '' || busy}>
          Add
        </button>
      </form>
    </>
  );
}
