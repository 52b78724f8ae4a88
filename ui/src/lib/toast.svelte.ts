// Short messages in a live region (a removal done, an error that has no better place).

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

let next = 1;
export const toasts = $state<Toast[]>([]);

export function notify(text: string, kind: Toast['kind'] = 'info', ms = 5000): void {
  const id = next++;
  toasts.push({ id, text, kind });
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}
