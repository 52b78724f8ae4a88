// Who is reading. At start the shell has no profile chosen: with one profile and no PIN it is
// chosen at once (no extra click for a family with one child), otherwise the picker shows.
// Choosing a profile loads its settings (theme, language, reading settings).
import * as api from './api';
import { flushSettings, useProfileSettings } from './settings.svelte';
import type { Profile, ProfileId, ShelfBook } from './types';

export type Phase = 'starting' | 'picking' | 'ready';

export const session = $state<{ phase: Phase; profile: Profile | null; profiles: Profile[] }>({
  phase: 'starting',
  profile: null,
  profiles: [],
});

/** The shelf that came with the session at start: the library's first render needs no
 * round trip of its own. Taken once. */
let firstShelf: ShelfBook[] | null = null;

export function takeFirstShelf(): ShelfBook[] | null {
  const shelf = firstShelf;
  firstShelf = null;
  return shelf;
}

/** True when a PIN typed by the pupil has the shape the shell accepts: 4 to 6 digits. */
export function isPin(pin: string): boolean {
  return /^\d{4,6}$/.test(pin);
}

async function enter(profile: Profile, known: Record<string, unknown> | null = null): Promise<void> {
  let settings: Record<string, unknown> = known ?? {};
  try {
    if (!known) settings = await api.getSettings();
  } catch (e) {
    console.warn('the profile settings could not be read', e);
  }
  useProfileSettings(settings);
  session.profile = profile;
  session.phase = 'ready';
}

export async function refresh(): Promise<void> {
  session.profiles = await api.listProfiles();
}

/** At start: the profile chosen earlier in this run (a reload), the only one, or the picker. */
export async function start(): Promise<void> {
  try {
    const start = await api.session();
    performance.mark('cartable:session');
    session.profiles = start.profiles;
    firstShelf = start.shelf ?? null;
    if (start.profile) {
      await enter(start.profile, start.settings ?? {});
      return;
    }
    const only = session.profiles.length === 1 ? session.profiles[0]! : null;
    if (only && !only.hasPin) {
      await enter(await api.chooseProfile(only.id, null));
      return;
    }
    session.phase = 'picking';
  } catch (e) {
    // A shell without profiles (or none at all): the library shows and says what is wrong.
    console.warn('profiles are unavailable', e);
    session.phase = 'ready';
  }
}

/** Rejects with `PinRequired` or `WrongPin` for the picker to show. */
export async function choose(id: ProfileId, pin: string | null): Promise<void> {
  await flushSettings();
  const profile = await api.chooseProfile(id, pin);
  await enter(profile);
}

/** A new profile, chosen at once. */
export async function add(name: string, pin: string | null): Promise<void> {
  await flushSettings();
  const profile = await api.addProfile(name.trim(), pin);
  await choose(profile.id, pin);
}

/** Back to the picker (the profile stays current in the shell until another is chosen). */
export async function switchProfile(): Promise<void> {
  session.phase = 'picking';
  await flushSettings();
  try {
    await refresh();
  } catch (e) {
    console.warn('the profiles could not be listed', e);
  }
}

/** After a rename or a PIN change: the list and the current profile as the shell has them. */
export async function reload(): Promise<void> {
  await refresh();
  const current = session.profiles.find((p) => p.id === session.profile?.id);
  if (current) session.profile = current;
  else if (session.profile) {
    // The current profile was removed: someone else has to be chosen.
    session.profile = null;
    useProfileSettings(null);
    session.phase = 'picking';
  }
}
