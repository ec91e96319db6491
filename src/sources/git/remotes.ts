export interface Remote {
  name: string;
  url: string;
}

/**
 * Removes credentials embedded in a remote URL (`https://user:token@host/…` → `https://host/…`).
 * For http(s) and other schemes the whole user part goes, since a bare user can be a token
 * (`https://ghp_…@github.com`); an ssh user without a password (`ssh://git@host`) is kept.
 */
export function stripCredentials(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) {
    // scp-like `user@host:path`: a user with a colon before the @ would be a password.
    const scp = /^([^@/]+)@([^:/]+:)/.exec(url);
    if (scp?.[1]?.includes(':')) return url.slice(scp[1].length + 1);
    return url;
  }
  const start = scheme[0].length;
  const slash = url.indexOf('/', start);
  const authority = url.slice(start, slash === -1 ? undefined : slash);
  const at = authority.lastIndexOf('@');
  if (at === -1) return url;
  const userinfo = authority.slice(0, at);
  const isSsh = /^(ssh|git\+ssh|ssh\+git):/i.test(scheme[0]);
  if (isSsh && !userinfo.includes(':')) return url;
  return url.slice(0, start) + url.slice(start + at + 1);
}

/** Parses `git remote -v`: one entry per remote, with its fetch URL, credentials stripped. */
export function parseRemotes(output: string): Remote[] {
  const remotes: Remote[] = [];
  const seen = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\t(.*) \(fetch\)$/.exec(line);
    if (!m?.[1] || m[2] === undefined || seen.has(m[1])) continue;
    seen.add(m[1]);
    remotes.push({ name: m[1], url: stripCredentials(m[2]) });
  }
  return remotes;
}

/**
 * The web address of a repository from its remote URL (`git@github.com:o/r.git` →
 * `https://github.com/o/r`), used to link pull requests; undefined for local paths.
 */
export function webBase(url: string): string | undefined {
  let host: string | undefined;
  let path: string | undefined;
  const withScheme = /^(?:https?|ssh|git|git\+ssh|ssh\+git):\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(
    url,
  );
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  if (withScheme) [, host, path] = withScheme;
  else if (scp) [, host, path] = scp;
  if (!host || !path) return undefined;
  const clean = path.replace(/\.git\/?$/, '').replace(/\/+$/, '');
  return clean ? `https://${host}/${clean}` : undefined;
}
