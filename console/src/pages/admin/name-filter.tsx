import { useState } from 'react';

/** A search box (named `label`) and the rows whose name contains what is typed, ignoring case. */
export function useNameFilter<T extends { name: string }>(rows: readonly T[] | undefined, label: string) {
  const [filter, setFilter] = useState('');
  const shown = (rows ?? []).filter((r) => r.name.toLowerCase().includes(filter.toLowerCase()));
  const input = (
    <input
      type="search"
      placeholder={label}
      aria-label={label}
      value={filter}
      onChange={(e) => setFilter(e.target.value)}
    />
  );
  return { shown, input };
}
