// Preferences: the app theme and language, the library sort, the reading settings. Each profile
// has its own, kept by the shell (`get_settings` / `set_setting`); before a profile is chosen
// (and in a shell without profiles) they live in localStorage. The theme and the language are
// also copied to localStorage so that the first paint, before a profile is chosen, is right.
import * as api from './api';
import { setLang, type Lang } from '../i18n/index.svelte';

export type AppTheme = 'light' | 'dark';

/** The current profile's settings once read from the shell; null before a profile is chosen. */
let profileSettings: Record<string, unknown> | null = null;

const isTheme = (v: unknown): v is AppTheme => v === 'light' || v === 'dark';
const isLang = (v: unknown): v is Lang => v === 'fr' || v === 'en';

function local(key: string): unknown {
  try {
    const raw = localStorage.getItem(`cartable.${key}`);
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

function storeLocal(key: string, value: unknown): void {
  try {
    localStorage.setItem(`cartable.${key}`, JSON.stringify(value));
  } catch {
    // Not remembered; the setting still applies now.
  }
}

/** A setting of the current profile, else the one kept in this browser, else `fallback`. */
export function load<T>(key: string, fallback: T, valid?: (v: unknown) => boolean): T {
  const v = profileSettings && key in profileSettings ? profileSettings[key] : local(key);
  if (v === undefined) return fallback;
  return valid && !valid(v) ? fallback : (v as T);
}

/** Remembers a setting for the current profile (in this browser when none is chosen). */
export function store(key: string, value: unknown): void {
  if (profileSettings === null) {
    storeLocal(key, value);
    return;
  }
  const json = JSON.stringify(value);
  if (json === undefined || JSON.stringify(profileSettings[key]) === json) return;
  profileSettings[key] = JSON.parse(json) as unknown;
  // A zoom follows the wheel: the shell gets the value it settles on.
  clearTimeout(pending.get(key));
  pending.set(
    key,
    setTimeout(() => {
      pending.delete(key);
      api.setSetting(key, value).catch((e: unknown) => console.warn(`the setting ${key} was not saved`, e));
    }, SAVE_DELAY),
  );
}

const SAVE_DELAY = 250;
const pending = new Map<string, ReturnType<typeof setTimeout>>();

/** Sends the settings still waiting for their delay: called before another profile is chosen. */
export async function flushSettings(): Promise<void> {
  const keys = [...pending.keys()];
  for (const timer of pending.values()) clearTimeout(timer);
  pending.clear();
  const all = profileSettings;
  if (!all) return;
  await Promise.all(keys.map((key) => api.setSetting(key, all[key]).catch(() => {})));
}

/** Called when a profile is chosen (its settings) or let go (null): its theme and language apply. */
export function useProfileSettings(all: Record<string, unknown> | null): void {
  profileSettings = all ? { ...all } : null;
  if (!all) return;
  if (isTheme(all.theme)) {
    app.theme = all.theme;
    storeLocal('theme', all.theme);
    applyTheme();
  }
  if (isLang(all.lang)) setLang(all.lang);
}

export const app = $state<{ theme: AppTheme }>({
  theme: load<AppTheme>('theme', 'light', isTheme),
});

export function setTheme(theme: AppTheme): void {
  app.theme = theme;
  storeLocal('theme', theme);
  if (profileSettings) store('theme', theme);
  applyTheme();
}

/** The interface language, remembered for the profile (i18n keeps its own first-paint copy). */
export function chooseLang(l: Lang): void {
  setLang(l);
  if (profileSettings) store('lang', l);
}

export function applyTheme(): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = app.theme;
}
