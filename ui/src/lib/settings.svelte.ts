// Preferences kept in localStorage: the app theme, the library sort, the reading settings.

export type AppTheme = 'light' | 'dark';

export function load<T>(key: string, fallback: T, valid?: (v: unknown) => boolean): T {
  try {
    const raw = localStorage.getItem(`cartable.${key}`);
    if (raw === null) return fallback;
    const v = JSON.parse(raw) as unknown;
    return valid && !valid(v) ? fallback : (v as T);
  } catch {
    return fallback;
  }
}

export function store(key: string, value: unknown): void {
  try {
    localStorage.setItem(`cartable.${key}`, JSON.stringify(value));
  } catch {
    // Not remembered; the setting still applies now.
  }
}

export const app = $state<{ theme: AppTheme }>({
  theme: load<AppTheme>('theme', 'light', (v) => v === 'light' || v === 'dark'),
});

export function setTheme(theme: AppTheme): void {
  app.theme = theme;
  store('theme', theme);
  applyTheme();
}

export function applyTheme(): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = app.theme;
}
