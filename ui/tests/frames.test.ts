import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterPaint } from '../src/lib/frames';

describe('afterPaint', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the work in a task after the second frame from now, not before', () => {
    const work = vi.fn();
    afterPaint(work);
    vi.advanceTimersToNextFrame();
    expect(work).not.toHaveBeenCalled();
    vi.advanceTimersToNextFrame();
    expect(work).not.toHaveBeenCalled(); // the frame is painted first; the work is a task after it
    vi.advanceTimersByTime(1);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('does nothing once cancelled, at any step', () => {
    for (const frames of [0, 1, 2]) {
      const work = vi.fn();
      const cancel = afterPaint(work);
      for (let i = 0; i < frames; i++) vi.advanceTimersToNextFrame();
      cancel();
      vi.advanceTimersByTime(100);
      expect(work).not.toHaveBeenCalled();
    }
  });
});
