// Zoom steps of the PDF reader: 1 is the printed size (1 pt = 1/72 inch = 4/3 CSS px).

export type ZoomMode = 'fit-width' | 'fit-page' | 'custom';
export const ZOOM_MIN = 0.25;
export const ZOOM_MAX = 5;
export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5];

/** The next step above (`dir` = 1) or below (-1) the current zoom, whatever it is now. */
export function nextZoom(current: number, dir: 1 | -1): number {
  const eps = 0.005;
  if (dir > 0) return ZOOM_STEPS.find((s) => s > current + eps) ?? ZOOM_MAX;
  return [...ZOOM_STEPS].reverse().find((s) => s < current - eps) ?? ZOOM_MIN;
}
