/**
 * The database URL as it may be shown: its password (in the user-info part or a `password`
 * parameter) replaced by `****`. A URL that does not parse is shown as `<the --to URL>`, since
 * where its password is cannot be told.
 * @example redactUrl('postgres://tessera:secret@db:5432/tessera') // 'postgres://tessera:****@db:5432/tessera'
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '<the --to URL>';
  }
  if (u.password !== '') u.password = '****';
  if (u.searchParams.has('password')) u.searchParams.set('password', '****');
  return u.toString();
}

/** The secrets of a URL (its password, raw and decoded), to take out of any text shown. */
export function urlSecrets(url: string): string[] {
  const out = new Set<string>();
  try {
    const u = new URL(url);
    for (const p of [u.password, u.searchParams.get('password') ?? '']) {
      if (p === '') continue;
      out.add(p);
      try {
        out.add(decodeURIComponent(p));
      } catch {}
    }
  } catch {
    // Unparsable: the whole URL is the secret.
    if (url !== '') out.add(url);
  }
  return [...out].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `url` replaced by `****` (error messages of the driver, …). */
export function redactText(text: string, url: string): string {
  let out = text;
  for (const s of urlSecrets(url)) out = out.split(s).join('****');
  return out;
}
