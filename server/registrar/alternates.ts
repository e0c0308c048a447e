// A credential lookup with further passwords of a user added as alternates (DigestCredentials):
// provisioned desk phones' own passwords, a browser softphone's session password. Digest accepts
// any of them; removing one revokes only that device.
type HashPair = { readonly ha1Md5: string; readonly ha1Sha256: string };

export interface AlternatesLookup<C> {
  find(username: string): Promise<C | undefined>;
  findCached?(username: string): C | null | undefined;
  recheck?(username: string): Promise<unknown>;
}

export function withAlternates<C extends { readonly username: string; readonly alternates?: readonly HashPair[] }>(
  lookup: AlternatesLookup<C>,
  alternatesOf: (username: string) => readonly HashPair[],
) {
  const add = (c: C): C => {
    const more = alternatesOf(c.username);
    return more.length === 0 ? c : { ...c, alternates: [...(c.alternates ?? []), ...more] };
  };
  return {
    find: async (username: string) => {
      const c = await lookup.find(username);
      return c === undefined ? undefined : add(c);
    },
    findCached: (username: string) => {
      const c = lookup.findCached?.(username);
      return c === undefined || c === null ? c : add(c);
    },
    ...(lookup.recheck ? { recheck: (username: string) => (lookup.recheck as (u: string) => Promise<unknown>)(username) } : {}),
  };
}
