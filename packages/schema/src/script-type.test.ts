import { describe, expect, it } from 'vitest';
import { effectiveScriptType, scriptTypeCode, scriptTypeFromPath } from './script-type.js';

describe('script types', () => {
  it('maps names to JOB codes', () => {
    expect(['shell', 'bat', 'perl', 'python', 'powershell'].map(scriptTypeCode)).toEqual([1, 2, 3, 4, 5]);
    expect(scriptTypeCode('ruby')).toBeUndefined();
    expect(scriptTypeCode('toString')).toBeUndefined();
  });

  it('maps extensions to names', () => {
    expect(scriptTypeFromPath('scripts/rotate.sh')).toBe('shell');
    expect(scriptTypeFromPath('a.BAT')).toBe('bat');
    expect(scriptTypeFromPath('x.pl')).toBe('perl');
    expect(scriptTypeFromPath('x/y.py')).toBe('python');
    expect(scriptTypeFromPath('x.ps1')).toBe('powershell');
    expect(scriptTypeFromPath('x.rb')).toBeUndefined();
    expect(scriptTypeFromPath('.d/noext')).toBeUndefined();
  });

  it('picks the step type, then the script_file extension, then defaults, then shell', () => {
    expect(effectiveScriptType({ type: 'perl', script_file: 'a.py' }, 'bat')).toBe('perl');
    // The extension is more specific than a runbook-wide default.
    expect(effectiveScriptType({ script_file: 'a.py' }, 'bat')).toBe('python');
    expect(effectiveScriptType({ script_file: 'a.rb' }, 'bat')).toBe('bat');
    expect(effectiveScriptType({}, 'perl')).toBe('perl');
    expect(effectiveScriptType({ script_file: 'a.py' })).toBe('python');
    expect(effectiveScriptType({})).toBe('shell');
  });
});
