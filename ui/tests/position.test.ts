import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPositionSaver, parsePdfLoc, pdfLoc } from '../src/lib/position';
import type { Position } from '../src/lib/types';

const at = (n: number): Position => ({ loc: pdfLoc(n), progress: n / 10, label: null });

describe('saving the reading position', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the pupil to stop turning pages, then saves the last position once', async () => {
    const save = vi.fn(async () => {});
    const saver = createPositionSaver(save, 300);
    saver.update(at(1));
    await vi.advanceTimersByTimeAsync(200);
    saver.update(at(2));
    await vi.advanceTimersByTimeAsync(200);
    saver.update(at(3));
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith(at(3));
  });

  it('saves at once when the reader is left, and not again after', async () => {
    const save = vi.fn(async () => {});
    const saver = createPositionSaver(save, 300);
    saver.update(at(5));
    await saver.flush();
    expect(save).toHaveBeenCalledWith(at(5));
    await vi.advanceTimersByTimeAsync(1000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('does not save the same position twice', async () => {
    const save = vi.fn(async () => {});
    const saver = createPositionSaver(save, 300);
    saver.update(at(4));
    await vi.advanceTimersByTimeAsync(300);
    saver.update(at(4));
    await vi.advanceTimersByTimeAsync(300);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('reports a failed save and tries the same position again later', async () => {
    const save = vi.fn().mockRejectedValueOnce({ code: 'DiskFull', message: 'full' }).mockResolvedValue(undefined);
    const onError = vi.fn();
    const saver = createPositionSaver(save, 300, onError);
    saver.update(at(7));
    await vi.advanceTimersByTimeAsync(300);
    expect(onError).toHaveBeenCalledWith({ code: 'DiskFull', message: 'full' });
    saver.update(at(7));
    await saver.flush();
    expect(save).toHaveBeenCalledTimes(2);
  });

  it('disposing flushes what is pending', async () => {
    const save = vi.fn(async () => {});
    const saver = createPositionSaver(save, 300);
    saver.update(at(9));
    await saver.dispose();
    expect(save).toHaveBeenCalledWith(at(9));
  });
});

describe('PDF locators', () => {
  it('round-trips page:N and refuses anything else', () => {
    expect(parsePdfLoc(pdfLoc(12))).toBe(12);
    expect(parsePdfLoc('page:0')).toBe(0);
    expect(parsePdfLoc('epubcfi(/6/4!/2)')).toBeNull();
    expect(parsePdfLoc(null)).toBeNull();
    expect(parsePdfLoc('page:-1')).toBeNull();
  });
});
