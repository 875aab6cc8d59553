import { describe, expect, it } from 'vitest';
import { keyCommand } from './keys.js';
import { initialState, type ViewState } from './state.js';

const base = initialState();
const asking = (typeToConfirm?: string, typed = ''): ViewState => ({
  ...base,
  confirm: {
    request: { step: 'deploy', question: 'Run?', hostCount: 9, ...(typeToConfirm ? { typeToConfirm } : {}) },
    typed,
    mismatch: false,
  },
});

describe('keyCommand', () => {
  it('answers a question with y or n, and takes Ctrl-C or Esc as no', () => {
    expect(keyCommand(asking(), 'y', {})).toEqual({ kind: 'answer', accepted: true });
    expect(keyCommand(asking(), 'n', {})).toEqual({ kind: 'answer', accepted: false });
    expect(keyCommand(asking(), 'c', { ctrl: true })).toEqual({ kind: 'answer', accepted: false });
    expect(keyCommand(asking(), '', { escape: true })).toEqual({ kind: 'answer', accepted: false });
    expect(keyCommand(asking(), '', { return: true })).toBeUndefined();
  });

  it('asks for the step name to be typed for a production-sized step', () => {
    expect(keyCommand(asking('deploy'), 'y', {})).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.confirm.type', text: 'y' },
    });
    expect(keyCommand(asking('deploy', 'depl'), 'oy', {})).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.confirm.type', text: 'deploy' },
    });
    expect(keyCommand(asking('deploy', 'depl'), '', { backspace: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.confirm.type', text: 'dep' },
    });
    expect(keyCommand(asking('deploy', 'deplo'), '', { return: true })).toEqual({ kind: 'mismatch' });
    expect(keyCommand(asking('deploy', 'deploy'), '', { return: true })).toEqual({
      kind: 'answer',
      accepted: true,
    });
  });

  it('opens the Ctrl-C bar, then leaves at once on the second Ctrl-C', () => {
    expect(keyCommand(base, '\u0003', {})).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.interrupt.open' },
    });
    const open: ViewState = { ...base, interrupt: { selected: 0 } };
    expect(keyCommand(open, 'c', { ctrl: true })).toEqual({ kind: 'leave' });
    expect(
      keyCommand({ ...base, interrupt: { selected: 0, chosen: 'detach' } }, 'c', { ctrl: true }),
    ).toEqual({
      kind: 'leave',
    });
  });

  it('takes the Ctrl-C choices by letter or by arrows and Enter', () => {
    const open: ViewState = { ...base, interrupt: { selected: 1 } };
    expect(keyCommand(open, 'd', {})).toEqual({ kind: 'detach' });
    expect(keyCommand(open, 't', {})).toEqual({ kind: 'terminate' });
    expect(keyCommand(open, 'k', {})).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.interrupt.choose', choice: 'keep' },
    });
    expect(keyCommand(open, '', { return: true })).toEqual({ kind: 'terminate' });
    expect(keyCommand(open, '', { downArrow: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.interrupt.select', delta: 1 },
    });
  });

  it('moves between steps with arrows or j/k, and scrolls an open log instead', () => {
    expect(keyCommand(base, 'j', {})).toEqual({ kind: 'dispatch', action: { type: 'ui.focus', delta: 1 } });
    expect(keyCommand(base, '', { upArrow: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.focus', delta: -1 },
    });
    const log: ViewState = { ...base, log: { scroll: 0 } };
    expect(keyCommand(log, 'k', {})).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.log.scroll', delta: -1 },
    });
    expect(keyCommand(log, '', { downArrow: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.log.scroll', delta: 1 },
    });
    expect(keyCommand(log, '', { escape: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.log', open: false },
    });
  });

  it('opens the output of any step with Enter or l, running or done; not when there is no step', () => {
    expect(keyCommand(base, 'l', {})).toBeUndefined();
    const running: ViewState = {
      ...base,
      steps: [{ name: 'deploy', hostCount: 1, phase: 'running', groups: [] }],
      index: { deploy: 0 },
    };
    expect(keyCommand(running, '', { return: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.log', open: true },
    });
    const failed: ViewState = {
      ...base,
      steps: [
        {
          name: 'deploy',
          hostCount: 1,
          phase: 'failed',
          groups: [{ status: 104, exitCode: 1, lines: ['x'], hosts: ['10.0.0.1'] }],
        },
      ],
      index: { deploy: 0 },
    };
    expect(keyCommand(failed, 'l', {})).toEqual({ kind: 'dispatch', action: { type: 'ui.log', open: true } });
    expect(keyCommand(failed, '', { return: true })).toEqual({
      kind: 'dispatch',
      action: { type: 'ui.log', open: true },
    });
  });
});
