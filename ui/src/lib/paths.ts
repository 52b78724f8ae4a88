/** A path as pasted: without surrounding quotes or spaces, `file://` URLs turned into paths. */
export function cleanPath(raw: string): string {
  let p = raw.trim();
  if ((p.startsWith('"') && p.endsWith('"')) || (p.startsWith("'") && p.endsWith("'"))) p = p.slice(1, -1).trim();
  if (/^file:\/\//i.test(p)) {
    try {
      p = decodeURIComponent(new URL(p).pathname);
      // file:///C:/x → C:/x on Windows
      if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
    } catch {
      // Not a valid URL: keep what was typed.
    }
  }
  return p;
}
