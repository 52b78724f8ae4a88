// The interface language: French by default, English on request, remembered in localStorage.
// `t(key)` reads the current language, so a template that calls it follows a switch at once.
import fr from './fr.json';
import en from './en.json';
import { remembered } from '../lib/memo';

export type Lang = 'fr' | 'en';
export const LANGS: Lang[] = ['fr', 'en'];
const STORAGE_KEY = 'cartable.lang';

export const dictionaries: Record<Lang, Record<string, string>> = { fr, en };

function stored(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'fr' || v === 'en') return v;
  } catch {
    // Storage can be unavailable; French it is.
  }
  return 'fr';
}

const state = $state<{ lang: Lang }>({ lang: stored() });

export function lang(): Lang {
  return state.lang;
}

export function setLang(l: Lang): void {
  state.lang = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Not remembered, still switched.
  }
  applyLang();
}

/** Keeps `<html lang>` on the language shown, for screen readers and hyphenation. */
export function applyLang(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = state.lang;
}

export function has(key: string): boolean {
  return key in dictionaries[state.lang];
}

/** The string for `key`, with `{name}` replaced from `params`; the key itself if it is missing. */
export function t(key: string, params?: Record<string, string | number>): string {
  const s = dictionaries[state.lang][key] ?? dictionaries.fr[key] ?? key;
  return params ? interpolate(s, params) : s;
}

/** Plural forms: `key.one` / `key.other` chosen by the language's rules, `{n}` filled in. */
export function tn(key: string, n: number, params?: Record<string, string | number>): string {
  const rule = pluralRules(state.lang).select(n);
  const k = has(`${key}.${rule}`) ? `${key}.${rule}` : `${key}.other`;
  return t(k, { n: formatNumber(n), ...params });
}

export function interpolate(s: string, params: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

// An Intl formatter carries ICU data built for its language and options: one of each is kept
// instead of a new one per string (a shelf of books asked for dozens on every render).
const NUMBER_STYLES = {
  plain: {},
  whole: { maximumFractionDigits: 0 },
  tenths: { maximumFractionDigits: 1 },
  percent: { style: 'percent', maximumFractionDigits: 0 },
} satisfies Record<string, Intl.NumberFormatOptions>;
type NumberStyle = keyof typeof NUMBER_STYLES;
const numberFormats = new Map<string, Intl.NumberFormat>();
const plurals = new Map<string, Intl.PluralRules>();

function numbers(style: NumberStyle): Intl.NumberFormat {
  const make = () => new Intl.NumberFormat(state.lang, NUMBER_STYLES[style]);
  return remembered(numberFormats, `${state.lang} ${style}`, make);
}

function pluralRules(lang: string): Intl.PluralRules {
  return remembered(plurals, lang, () => new Intl.PluralRules(lang));
}

export function formatNumber(n: number): string {
  return numbers('plain').format(n);
}

/** A file size for people: "1,2 Mo" / "1.2 MB". */
export function formatSize(bytes: number): string {
  const units = state.lang === 'fr' ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 'whole' : 'tenths';
  return `${numbers(digits).format(v)} ${units[i]}`;
}

/** A zoom factor as a percentage ("125 %"); unlike `formatPercent`, not capped at 100 %. */
export function formatZoom(factor: number): string {
  return numbers('percent').format(factor);
}

/** A share of something (reading progress), kept between 0 and 100 %. */
export function formatPercent(fraction: number): string {
  return numbers('percent').format(Math.min(1, Math.max(0, fraction)));
}
