// How a download's progress reads, in French and in English: sizes, speed, time left, and the
// line under the bar for each state.
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFraction, formatEta, formatSpeed, progressText } from '../src/lib/progress';
import { setLang } from '../src/i18n/index.svelte';
import { download } from './fixtures/catalog';

const nb = (s: string) => s.replace(/\s/g, ' ');

afterEach(() => setLang('fr'));

describe('download speed', () => {
  it('uses the French units and decimal comma', () => {
    setLang('fr');
    expect(nb(formatSpeed(1_234_000))).toBe('1,2 Mo/s');
    expect(nb(formatSpeed(99_940))).toBe('99,9 ko/s');
    expect(nb(formatSpeed(512))).toBe('512 o/s');
  });

  it('uses the English units', () => {
    setLang('en');
    expect(formatSpeed(1_234_000)).toBe('1.2 MB/s');
    expect(formatSpeed(100_000)).toBe('100 KB/s');
  });
});

describe('time left', () => {
  it('reads like people say it, in French', () => {
    setLang('fr');
    expect(formatEta(2)).toBe('encore quelques secondes');
    expect(formatEta(12)).toBe('encore 12 s');
    expect(formatEta(37), 'rounded to 5 s so that it does not flicker').toBe('encore 35 s');
    expect(formatEta(61)).toBe('encore 2 min');
    expect(formatEta(3600)).toBe('encore 1 h');
    expect(formatEta(3725)).toBe('encore 1 h 02');
    expect(formatEta(7170), '1 h 59 min 30 s is nearly 2 h').toBe('encore 2 h');
  });

  it('reads like people say it, in English', () => {
    setLang('en');
    expect(formatEta(12)).toBe('12 s left');
    expect(formatEta(125)).toBe('3 min left');
    expect(formatEta(3725)).toBe('1 h 02 left');
  });
});

describe('the line under a download', () => {
  it('gives amount, speed and time left while it runs', () => {
    setLang('fr');
    const d = download({ bytes: 3_100_000, total: 12_000_000, bytesPerSecond: 480_000, etaSeconds: 19 });
    expect(nb(progressText(d))).toBe('3,1 Mo sur 12 Mo · 480 ko/s · encore 19 s');
    setLang('en');
    expect(progressText(d)).toBe('3.1 MB of 12 MB · 480 KB/s · 19 s left');
  });

  it('says only what it knows before the size and speed are known', () => {
    setLang('fr');
    expect(nb(progressText(download({ bytes: 0 })))).toBe('0 o');
    expect(downloadFraction(download({ bytes: 10 })), 'no size: no percentage').toBeNull();
  });

  it('keeps the amount of a paused download, with its share', () => {
    setLang('fr');
    expect(nb(progressText(download({ state: 'paused', bytes: 239_000, total: 794_000 })))).toBe('En pause · 30 % (239 ko sur 794 ko)');
  });

  it('after a failure, says what is kept for the retry, and nothing when the whole file was refused', () => {
    setLang('fr');
    expect(nb(progressText(download({ state: 'failed', bytes: 200_000, total: 800_000, errorCode: 'ConnectionLost' })))).toBe(
      'Déjà reçu : 200 ko sur 800 ko (gardé pour la reprise)',
    );
    expect(progressText(download({ state: 'failed', bytes: 38, total: 38, errorCode: 'NotABook' }))).toBe('');
    expect(progressText(download({ state: 'failed', errorCode: 'Offline' }))).toBe('');
  });

  it('names the end states', () => {
    setLang('en');
    expect(progressText(download({ state: 'done', bytes: 769_000, total: 769_000 }))).toBe('Added to the library · 769 KB');
    expect(progressText(download({ state: 'cancelled' }))).toBe('Stopped');
    expect(progressText(download({ state: 'queued' }))).toBe('Waiting');
    expect(downloadFraction(download({ state: 'done' }))).toBe(1);
  });
});
