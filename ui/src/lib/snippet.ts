// Snippets of notes come from the shell HTML-escaped with <mark>…</mark> around matches. Before
// one reaches {@html}, everything but <mark> and </mark> is escaped again, so that a note whose
// text the shell failed to escape can never become markup. Entities already escaped stay as they are.

const ENTITY = /^&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

function escapeText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '&') {
      const m = ENTITY.exec(s.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length - 1;
      } else out += '&amp;';
    } else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '"') out += '&quot;';
    else if (c === "'") out += '&#39;';
    else out += c;
  }
  return out;
}

/** HTML safe for {@html}: the only elements are balanced <mark>s. */
export function safeSnippet(snippet: string): string {
  let out = '';
  let open = false;
  for (const part of snippet.split(/(<\/?mark>)/i)) {
    const tag = part.toLowerCase();
    if (tag === '<mark>') {
      if (!open) out += '<mark>';
      open = true;
    } else if (tag === '</mark>') {
      if (open) out += '</mark>';
      open = false;
    } else out += escapeText(part);
  }
  return open ? `${out}</mark>` : out;
}
