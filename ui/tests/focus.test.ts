import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTyping, trapFocus } from '../src/lib/focus';

afterEach(() => (document.body.innerHTML = ''));

function dialog() {
  document.body.innerHTML = `
    <button id="outside">outside</button>
    <div id="dlg"><button id="a">a</button><input id="b"><button id="c" disabled>c</button><button id="d">d</button></div>`;
  return document.getElementById('dlg')!;
}

const tab = (el: Element, shift = false) => {
  const e = new KeyboardEvent('keydown', { key: 'Tab', shiftKey: shift, bubbles: true, cancelable: true });
  el.dispatchEvent(e);
  return e;
};

describe('focus trap of dialogs', () => {
  it('moves focus in, cycles Tab inside, and gives focus back on close', async () => {
    const node = dialog();
    document.getElementById('outside')!.focus();
    const trap = trapFocus(node);
    await Promise.resolve();
    expect(document.activeElement?.id).toBe('a');

    document.getElementById('d')!.focus();
    expect(tab(node).defaultPrevented).toBe(true);
    expect(document.activeElement?.id, 'Tab on the last item wraps to the first').toBe('a');

    expect(tab(node, true).defaultPrevented).toBe(true);
    expect(document.activeElement?.id, 'Shift+Tab on the first item wraps to the last').toBe('d');

    trap.destroy();
    expect(document.activeElement?.id).toBe('outside');
  });

  it('closes on Escape', () => {
    const onEscape = vi.fn();
    const node = dialog();
    trapFocus(node, onEscape);
    node.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(onEscape).toHaveBeenCalledOnce();
  });

  it('starts on the element marked data-autofocus', async () => {
    const node = dialog();
    document.getElementById('d')!.setAttribute('data-autofocus', '');
    trapFocus(node);
    await Promise.resolve();
    expect(document.activeElement?.id).toBe('d');
  });
});

describe('reader shortcuts', () => {
  it('leave keys alone while the pupil types in a field', () => {
    document.body.innerHTML = '<input id="i"><div id="d"></div>';
    expect(isTyping(document.getElementById('i'))).toBe(true);
    expect(isTyping(document.getElementById('d'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
