// Keeping keyboard focus inside a dialog or panel, and giving it back where it was.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.hasAttribute('inert') && el.getAttribute('aria-hidden') !== 'true',
  );
}

/**
 * Svelte action: Tab and Shift+Tab cycle inside `node`; Escape calls `onEscape`. Focus moves to
 * the first `[data-autofocus]` (else the first focusable) and returns to the element that had it
 * when the node goes away.
 */
export function trapFocus(node: HTMLElement, onEscape?: () => void) {
  const previous = document.activeElement as HTMLElement | null;
  let escape = onEscape;

  const first = node.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(node)[0] ?? node;
  queueMicrotask(() => first.focus());

  function onKeydown(e: KeyboardEvent) {
    if (e.key === 'Escape' && escape) {
      e.preventDefault();
      e.stopPropagation();
      escape();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables(node);
    if (!items.length) {
      e.preventDefault();
      return;
    }
    const firstItem = items[0]!;
    const lastItem = items[items.length - 1]!;
    const active = document.activeElement;
    if (e.shiftKey && (active === firstItem || !node.contains(active))) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && (active === lastItem || !node.contains(active))) {
      e.preventDefault();
      firstItem.focus();
    }
  }

  node.addEventListener('keydown', onKeydown);
  return {
    update(next?: () => void) {
      escape = next;
    },
    destroy() {
      node.removeEventListener('keydown', onKeydown);
      if (previous && document.contains(previous)) previous.focus();
    },
  };
}

/** True when a key press is meant for a text field rather than for the reader's shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}
