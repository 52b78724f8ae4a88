// The profiles, per-profile settings and annotations of the mock shell, in memory: what
// `npm run dev` in a plain browser and the unit tests answer the contract with
// (/work/notes/annotations-contract.md). Errors have the shell's codes.
import type { Annotation, AnnotationChange, AnnotationsImport, NewAnnotation, NoteHit, Profile } from './types';
import { pageOf } from './anchor';
import { fold } from './text';

const COLORS = ['#1f5f8b', '#b3261e', '#1e7a45', '#8a5a00', '#6b3fa0', '#00727a'];
const PIN = /^\d{4,6}$/;

const fail = (code: string, message: string) => ({ code, message });

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A snippet as the shell makes them: escaped, the first match in <mark>. */
function snippet(text: string, query: string): string {
  const folded = fold(text);
  const q = fold(query.trim());
  const at = q ? folded.indexOf(q) : -1;
  if (at < 0 || folded.length !== text.length) return escapeHtml(text.slice(0, 160));
  const from = Math.max(0, at - 60);
  return `${escapeHtml(text.slice(from, at))}<mark>${escapeHtml(text.slice(at, at + q.length))}</mark>${escapeHtml(text.slice(at + q.length, at + q.length + 80))}`;
}

export interface AnnotationStore {
  /** The answer to `command`, or `undefined` when the command is not one of this store. */
  handle(command: string, args: Record<string, unknown>): Promise<{ value: unknown } | undefined>;
  reset(profiles?: { name: string; pin: string | null }[]): void;
}

export function createAnnotationStore(titleOf: (book: string) => Promise<string> = async (b) => b): AnnotationStore {
  let profiles: (Profile & { pin: string | null })[] = [];
  let current: string | null = null;
  let settings = new Map<string, Record<string, unknown>>();
  let annotations: (Annotation & { profile: string; deleted: boolean })[] = [];
  let seq = 0;
  let clock = 1_700_000_000_000;
  const now = () => Math.max(Date.now(), ++clock);

  function makeProfile(name: string, pin: string | null): Profile & { pin: string | null } {
    const p = { id: `profile-${++seq}`, name, hasPin: pin !== null, color: COLORS[profiles.length % COLORS.length]!, createdAt: now(), pin };
    profiles.push(p);
    settings.set(p.id, {});
    return p;
  }

  /** What the UI sends, as the shell gets it: JSON (a Svelte state proxy cannot be structured-cloned). */
  const received = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));
  const view = ({ pin: _pin, ...p }: Profile & { pin: string | null }): Profile => ({ ...p });
  const strip = ({ profile: _p, deleted: _d, ...a }: Annotation & { profile: string; deleted: boolean }): Annotation =>
    structuredClone(a);

  function reset(initial: { name: string; pin: string | null }[] = [{ name: 'Élève', pin: null }]) {
    profiles = [];
    current = null;
    settings = new Map();
    annotations = [];
    for (const p of initial) makeProfile(p.name, p.pin);
  }
  reset();

  function profile(id: unknown) {
    const p = profiles.find((x) => x.id === id);
    if (!p) throw fail('ProfileNotFound', 'this profile does not exist');
    return p;
  }
  function me(): string {
    if (!current) throw fail('NoProfile', 'choose a profile first');
    return current;
  }
  function checkPin(p: { pin: string | null }, pin: unknown) {
    if (p.pin === null) return;
    if (pin === null || pin === undefined || pin === '') throw fail('PinRequired', 'this profile has a PIN');
    if (pin !== p.pin) throw fail('WrongPin', 'this PIN is not the right one');
  }
  function validPin(pin: unknown): string | null {
    if (pin === null || pin === undefined) return null;
    if (typeof pin !== 'string' || !PIN.test(pin)) throw fail('InvalidPin', 'a PIN is 4 to 6 digits');
    return pin;
  }
  function validName(name: unknown, except?: string): string {
    const n = String(name ?? '').trim();
    if (!n) throw fail('InvalidProfileName', 'a profile needs a name');
    if (profiles.some((p) => p.id !== except && fold(p.name) === fold(n))) throw fail('ProfileNameTaken', 'another profile has this name');
    return n;
  }
  function live(id: unknown) {
    const a = annotations.find((x) => x.id === id && !x.deleted && x.profile === current);
    if (!a) throw fail('AnnotationNotFound', 'this note no longer exists');
    return a;
  }
  const order = (a: Annotation, b: Annotation) =>
    pageOf(a.anchor) - pageOf(b.anchor) ||
    (a.anchor.type === 'pdf' && b.anchor.type === 'pdf' ? a.anchor.start - b.anchor.start : 0) ||
    a.createdAt - b.createdAt;

  async function handle(command: string, args: Record<string, unknown>): Promise<{ value: unknown } | undefined> {
    switch (command) {
      case 'list_profiles':
        return { value: profiles.map(view) };
      case 'session': {
        const p = profiles.find((x) => x.id === current);
        return { value: { profile: p ? view(p) : null, profiles: profiles.map(view), settings: p ? { ...settings.get(p.id) } : null } };
      }
      case 'current_profile': {
        const p = profiles.find((x) => x.id === current);
        return { value: p ? view(p) : null };
      }
      case 'choose_profile': {
        const p = profile(args.id);
        checkPin(p, args.pin);
        current = p.id;
        return { value: view(p) };
      }
      case 'add_profile': {
        const name = validName(args.name);
        return { value: view(makeProfile(name, validPin(args.pin))) };
      }
      case 'rename_profile': {
        const p = profile(args.id);
        p.name = validName(args.name, p.id);
        return { value: undefined };
      }
      case 'set_pin': {
        const p = profile(args.id);
        if (p.id !== me()) throw fail('NoProfile', 'only the current profile can change its PIN');
        p.pin = validPin(args.pin);
        p.hasPin = p.pin !== null;
        return { value: undefined };
      }
      case 'remove_profile': {
        const p = profile(args.id);
        if (profiles.length === 1) throw fail('LastProfile', 'the last profile cannot be removed');
        checkPin(p, args.pin);
        profiles = profiles.filter((x) => x !== p);
        annotations = annotations.filter((a) => a.profile !== p.id);
        if (current === p.id) current = null;
        return { value: undefined };
      }
      case 'get_settings':
        return { value: { ...settings.get(me()) } };
      case 'set_setting': {
        const key = String(args.key ?? '');
        if (!key || key.length > 64) throw fail('InvalidSetting', 'a setting key is 1 to 64 characters');
        settings.get(me())![key] = received(args.value);
        return { value: undefined };
      }
      case 'list_annotations': {
        const profileId = me();
        const page = args.page as number | null;
        const list = annotations.filter(
          (a) => a.profile === profileId && !a.deleted && a.book === args.id && (page === null || page === undefined || pageOf(a.anchor) === page),
        );
        return { value: list.sort(order).map(strip) };
      }
      case 'add_annotation': {
        const profileId = me();
        const n = args.annotation as NewAnnotation;
        if (!n || !n.anchor || !['bookmark', 'highlight', 'note', 'ink'].includes(n.kind)) throw fail('InvalidAnnotation', 'not an annotation');
        if (n.kind === 'ink' && (!n.ink || n.ink.points.length === 0)) throw fail('InvalidAnnotation', 'an ink stroke needs points');
        const t = now();
        const a = {
          id: `annotation-${++seq}`, kind: n.kind, book: String(args.id), anchor: received(n.anchor),
          color: n.color ?? null, style: n.style ?? null, text: n.text ?? null, label: n.label ?? null,
          highlight: n.highlight ?? null, ink: n.ink ? received(n.ink) : null, createdAt: t, modifiedAt: t,
          profile: profileId, deleted: false,
        };
        annotations.push(a);
        return { value: strip(a) };
      }
      case 'update_annotation': {
        const a = live(args.annotationId);
        const change = (args.change ?? {}) as AnnotationChange;
        for (const key of ['color', 'style', 'text', 'label'] as const) if (key in change) (a as unknown as Record<string, unknown>)[key] = change[key] ?? null;
        a.modifiedAt = now();
        return { value: strip(a) };
      }
      case 'delete_annotation': {
        const a = live(args.annotationId);
        a.deleted = true;
        for (const n of annotations) if (n.highlight === a.id) n.deleted = true;
        return { value: undefined };
      }
      case 'search_notes': {
        const profileId = me();
        const q = fold(String(args.query ?? '').trim());
        const limit = Number(args.limit ?? 50);
        const mine = annotations.filter((a) => a.profile === profileId && !a.deleted && (a.kind === 'note' || a.kind === 'highlight'));
        const text = (a: Annotation) => (a.kind === 'note' && a.text ? a.text : (quoteOf(a) ?? ''));
        const found = (q ? mine.filter((a) => fold(text(a)).includes(q)) : [...mine]).sort((a, b) => b.modifiedAt - a.modifiedAt).slice(0, limit);
        const hits: NoteHit[] = [];
        for (const a of found) hits.push({ annotation: strip(a), title: await titleOf(a.book), snippet: snippet(text(a), String(args.query ?? '')) });
        return { value: hits };
      }
      case 'export_annotations':
        me();
        return { value: undefined };
      case 'import_annotations':
        me();
        return { value: { placed: 3, already: 1, unplaced: [{ id: 'urn:uuid:mock', reason: 'the quoted text is not in this edition' }] } satisfies AnnotationsImport };
      case 'book_annotation_count': {
        const profileId = me();
        return { value: annotations.filter((a) => a.profile === profileId && !a.deleted && a.book === args.id).length };
      }
      default:
        return undefined;
    }
  }

  return { handle, reset };
}

function quoteOf(a: Annotation): string | null {
  return a.anchor.type === 'pdf' || a.anchor.type === 'epub' ? a.anchor.quote.exact : null;
}
