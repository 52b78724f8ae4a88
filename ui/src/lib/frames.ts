// Work that must not delay a frame the pupil is waiting for: `afterPaint` runs it in a task of
// its own once the next frame has been painted (the second animation frame from now starts
// after the first one is on screen). It returns a function that cancels it.

export function afterPaint(work: () => void): () => void {
  let second = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = requestAnimationFrame(() => {
    second = requestAnimationFrame(() => {
      timer = setTimeout(work, 0);
    });
  });
  return () => {
    cancelAnimationFrame(first);
    cancelAnimationFrame(second);
    clearTimeout(timer);
  };
}
