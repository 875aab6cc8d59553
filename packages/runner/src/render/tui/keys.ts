import { focusedStep } from './reducer.js';
import type { UiAction, ViewState } from './state.js';
import { INTERRUPT_CHOICES } from './state.js';

/** The parts of Ink's `Key` that the UI reads. */
export interface KeyInfo {
  ctrl?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

/** What a key press asks for: a change of the view, or a decision with effects outside it. */
export type Command =
  | { kind: 'dispatch'; action: UiAction }
  | { kind: 'answer'; accepted: boolean }
  | { kind: 'mismatch' }
  | { kind: 'detach' }
  | { kind: 'terminate' }
  | { kind: 'leave' };

export function isCtrlC(input: string, key: KeyInfo): boolean {
  return input === '\u0003' || (key.ctrl === true && input === 'c');
}

const dispatch = (action: UiAction): Command => ({ kind: 'dispatch', action });

/** Maps a key press to a command, given what is on screen. Pure. */
export function keyCommand(state: ViewState, input: string, key: KeyInfo): Command | undefined {
  const ctrlC = isCtrlC(input, key);
  if (state.left) return undefined;
  if (state.confirm) {
    // Nothing runs while a question waits: Ctrl-C or Esc answer no.
    if (ctrlC || key.escape) return { kind: 'answer', accepted: false };
    const expected = state.confirm.request.typeToConfirm;
    if (expected === undefined) {
      if (input === 'y' || input === 'Y') return { kind: 'answer', accepted: true };
      if (input === 'n' || input === 'N') return { kind: 'answer', accepted: false };
      return undefined;
    }
    if (key.return)
      return state.confirm.typed === expected ? { kind: 'answer', accepted: true } : { kind: 'mismatch' };
    if (key.backspace || key.delete) {
      return dispatch({ type: 'ui.confirm.type', text: state.confirm.typed.slice(0, -1) });
    }
    if (key.ctrl || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow)
      return undefined;
    const text = input.replace(/[\r\n\u0000-\u001f\u007f]/g, '');
    return text === '' ? undefined : dispatch({ type: 'ui.confirm.type', text: state.confirm.typed + text });
  }
  if (ctrlC) {
    // The second Ctrl-C, a Ctrl-C once the run is over, or before anything can be steered: leave now.
    if (state.interrupt || state.interrupted || state.finished) return { kind: 'leave' };
    return dispatch({ type: 'ui.interrupt.open' });
  }
  if (state.interrupt) {
    if (state.interrupt.chosen) return undefined;
    const pick = (i: number): Command => {
      const choice = INTERRUPT_CHOICES[i]!;
      if (choice === 'keep') return dispatch({ type: 'ui.interrupt.choose', choice });
      return { kind: choice };
    };
    if (input === 'd') return pick(0);
    if (input === 't') return pick(1);
    if (input === 'k' || key.escape) return pick(2);
    if (key.upArrow) return dispatch({ type: 'ui.interrupt.select', delta: -1 });
    if (key.downArrow || key.tab) return dispatch({ type: 'ui.interrupt.select', delta: 1 });
    if (key.return) return pick(state.interrupt.selected);
    return undefined;
  }
  if (state.log) {
    if (key.escape || input === 'h' || input === 'q' || key.leftArrow || key.backspace) {
      return dispatch({ type: 'ui.log', open: false });
    }
    if (key.upArrow || input === 'k') return dispatch({ type: 'ui.log.scroll', delta: -1 });
    if (key.downArrow || input === 'j') return dispatch({ type: 'ui.log.scroll', delta: 1 });
    if (key.pageUp) return dispatch({ type: 'ui.log.scroll', delta: -10 });
    if (key.pageDown) return dispatch({ type: 'ui.log.scroll', delta: 10 });
    return undefined;
  }
  if (key.upArrow || input === 'k') return dispatch({ type: 'ui.focus', delta: -1 });
  if (key.downArrow || input === 'j') return dispatch({ type: 'ui.focus', delta: 1 });
  if (key.tab) return dispatch({ type: 'ui.group', delta: key.shift ? -1 : 1 });
  // Enter opens any step, running or done, with its gathered output.
  if ((key.return || input === 'l' || key.rightArrow) && focusedStep(state)) {
    return dispatch({ type: 'ui.log', open: true });
  }
  return undefined;
}
