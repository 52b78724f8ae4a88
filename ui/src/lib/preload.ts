// Page images decoded ahead of time. A page turn first awaits `preload(url)`: for a page that was
// prefetched the promise is already settled, so the new image paints in the next frame instead
// of flashing blank while it decodes. The last few images are kept referenced so that the
// engine keeps their decoded bitmaps.

interface Entry {
  img: HTMLImageElement;
  ready: Promise<void>;
  done: boolean;
}

const LIMIT = 6;
const cache = new Map<string, Entry>();

export function preload(url: string): Promise<void> {
  const hit = cache.get(url);
  if (hit) {
    cache.delete(url);
    cache.set(url, hit);
    return hit.ready;
  }
  const img = new Image();
  img.decoding = 'async';
  const entry: Entry = { img, ready: Promise.resolve(), done: false };
  img.src = url;
  entry.ready = (typeof img.decode === 'function'
    ? img.decode()
    : new Promise<void>((ok, fail) => {
        img.onload = () => ok();
        img.onerror = () => fail(new Error('image failed'));
      })
  ).then(
    () => {
      entry.done = true;
    },
    (e: unknown) => {
      cache.delete(url);
      throw e;
    },
  );
  cache.set(url, entry);
  while (cache.size > LIMIT) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
  }
  return entry.ready;
}

/** True when the image is decoded and a swap would paint at once. */
export function isDecoded(url: string): boolean {
  return cache.get(url)?.done ?? false;
}

export function forget(): void {
  cache.clear();
}
