// The profile picker against the mock shell: one profile without PIN is chosen at once (the
// e2e suite lands on the library), two profiles ask who reads and a PIN is checked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ProfilePicker from '../src/components/ProfilePicker.svelte';
import * as api from '../src/lib/api';
import { mockBackend, mockStore } from '../src/lib/mock';
import { session, start, choose } from '../src/lib/profiles.svelte';
import { load, store, useProfileSettings } from '../src/lib/settings.svelte';

const settle = async (ms = 0) => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, ms));
  flushSync();
};
const until = async (test: () => boolean) => {
  for (let i = 0; i < 100 && !test(); i++) await settle(10);
  expect(test(), 'the condition came true in time').toBe(true);
};

const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const $$ = (id: string) => Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));

function type(input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

let app: ReturnType<typeof mount> | null = null;
beforeEach(() => {
  api.setBackend(mockBackend);
  Object.assign(session, { phase: 'starting', profile: null, profiles: [] });
  useProfileSettings(null);
  localStorage.clear();
});
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

describe('choosing a profile', () => {
  it('chooses the only profile at once when it has no PIN', async () => {
    mockStore.reset();
    await start();
    expect(session.phase, 'no picker for a family with one child').toBe('ready');
    expect(session.profile?.name).toBe('Élève');
    expect(await api.currentProfile()).toMatchObject({ name: 'Élève' });
  });

  it('shows the picker for one profile with a PIN', async () => {
    mockStore.reset([{ name: 'Élève', pin: '1234' }]);
    await start();
    expect(session.phase).toBe('picking');
  });

  it('asks who reads with two profiles, and checks the PIN', async () => {
    mockStore.reset([{ name: 'Élève', pin: null }, { name: 'Léa', pin: '1234' }]);
    await start();
    expect(session.phase).toBe('picking');
    app = mount(ProfilePicker, { target: document.body, props: {} });
    flushSync();
    const items = $$('profile-item');
    expect(items.map((i) => i.querySelector('.name')?.textContent)).toEqual(['Élève', 'Léa']);
    expect(items.every((i) => i.dataset.profileId)).toBe(true);

    items[1]!.click();
    flushSync();
    const pin = $('profile-pin-input') as HTMLInputElement;
    expect(pin.getAttribute('inputmode')).toBe('numeric');
    type(pin, '12ab');
    expect(pin.value, 'only digits are kept').toBe('12');
    $('profile-submit')!.click();
    await settle();
    expect($('profile-error')?.dataset.code, 'too short for a PIN').toBe('InvalidPin');

    type($('profile-pin-input') as HTMLInputElement, '9999');
    $('profile-submit')!.click();
    await until(() => $('profile-error')?.dataset.code === 'WrongPin');
    expect(session.phase, 'a wrong PIN opens nothing').toBe('picking');

    type($('profile-pin-input') as HTMLInputElement, '1234');
    $('profile-submit')!.click();
    await until(() => session.phase === 'ready');
    expect(session.profile?.name).toBe('Léa');
  });

  it('adds a profile with a name and an optional PIN, and opens it', async () => {
    mockStore.reset([{ name: 'Élève', pin: '1234' }]);
    await start();
    app = mount(ProfilePicker, { target: document.body, props: {} });
    flushSync();
    $('profile-add')!.click();
    flushSync();
    type($('profile-name-input') as HTMLInputElement, 'Élève');
    $('profile-submit')!.click();
    await until(() => $('profile-error') !== null);
    expect($('profile-error')!.dataset.code, 'names are unique').toBe('ProfileNameTaken');
    type($('profile-name-input') as HTMLInputElement, 'Tom');
    $('profile-submit')!.click();
    await until(() => session.phase === 'ready');
    expect(session.profile?.name).toBe('Tom');
    expect((await api.listProfiles()).map((p) => p.name)).toEqual(['Élève', 'Tom']);
  });

  it('keeps settings per profile', async () => {
    mockStore.reset([{ name: 'Léa', pin: null }, { name: 'Tom', pin: null }]);
    await start();
    const [lea, tom] = session.profiles;
    await choose(lea!.id, null);
    store('pdf.mode', 'continuous');
    // Switching at once: the setting still waiting for its delay goes to Léa, not to Tom.
    await choose(tom!.id, null);
    expect(await api.getSettings()).toEqual({});
    expect(load('pdf.mode', 'single'), 'Tom has his own settings').toBe('single');
    await choose(lea!.id, null);
    expect(load('pdf.mode', 'single')).toBe('continuous');
    expect(await api.getSettings()).toEqual({ 'pdf.mode': 'continuous' });
  });
});

describe('the session the shell asked for early', () => {
  const early = globalThis as { __CARTABLE_SESSION__?: Promise<unknown> };
  afterEach(() => delete early.__CARTABLE_SESSION__);

  it('is taken by the first call, and later calls ask the shell', async () => {
    mockStore.reset([{ name: 'Élève', pin: null }, { name: 'Léa', pin: null }]);
    const asked: string[] = [];
    api.setBackend({ ...mockBackend, invoke: (command, args) => (asked.push(command), mockBackend.invoke(command, args)) });
    early.__CARTABLE_SESSION__ = Promise.resolve({ profile: null, profiles: [], settings: null, shelf: null });
    expect((await api.session()).profiles, 'the early answer, not the store').toEqual([]);
    expect(asked, 'no round trip for the first call').toEqual([]);
    expect((await api.session()).profiles.map((p) => p.name)).toEqual(['Élève', 'Léa']);
    expect(asked).toEqual(['session']);
  });

  it('fails as a shell error the interface can branch on', async () => {
    early.__CARTABLE_SESSION__ = Promise.reject({ code: 'Storage', message: 'disque plein' });
    await expect(api.session()).rejects.toMatchObject({ code: 'Storage', message: 'disque plein' });
  });
});
