// The app's real messages as `t`/`te` functions, for unit tests of pure helpers that take them.

export function bind(messages: unknown) {
  const get = (key: string) =>
    key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages);
  const t = (key: string, named?: Record<string, unknown>) => {
    let s = String(get(key) ?? key);
    for (const [k, v] of Object.entries(named ?? {})) s = s.replace(`{${k}}`, String(v));
    return s;
  };
  const te = (key: string) => typeof get(key) === 'string';
  return { t, te };
}
