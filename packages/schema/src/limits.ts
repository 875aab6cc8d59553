/**
 * What one `fast_execute_script` may carry, as JOB 3.x checks or stores it (bk-job: `MySQLTextDataType`
 * and `ValidSensitiveParamLength` for params, the MEDIUMTEXT column for the script, the varchar(512)
 * and varchar(1024) columns for the task name and callback URL, `JobExecuteConfig` for targets).
 * A request over one of them is refused by JOB, or fails after JOB saved the job: both checked here
 * before anything is sent. Sizes are before base64.
 */
export const JOB_LIMITS = {
  /** `script_param`, UTF-8 bytes. */
  paramBytes: 65_535,
  /** `script_param` with `is_param_sensitive: 1` (JOB encrypts it, and the ciphertext must fit), UTF-8 bytes. */
  sensitiveParamBytes: 48_128,
  /** `script_content`, UTF-8 bytes: MySQL MEDIUMTEXT holds 16 MiB less one byte. */
  scriptBytes: 16_777_215,
  /** `task_name`, characters (code points). */
  taskNameChars: 512,
  /** `bk_callback_url`, characters (code points). */
  callbackUrlChars: 1_024,
  /** Hosts in `ip_list` of one step; custom queries are resolved by JOB and not counted. */
  targets: 50_000,
} as const;

export type LimitedField = 'params' | 'script' | 'task_name' | 'callback_url' | 'targets';

/** UTF-8 bytes of a text. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Characters (code points) of a text. */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

const num = (n: number) => n.toLocaleString('en-US');

/** The size of a field as JOB measures it: bytes for params and scripts, characters for text, hosts. */
export function measure(field: Exclude<LimitedField, 'targets'>, text: string): number {
  return field === 'params' || field === 'script' ? utf8Bytes(text) : codePoints(text);
}

/**
 * Why a field of this size is over JOB's limit, or undefined when it fits. `what` names the thing
 * measured when it is not the field itself (a script file, a step's hosts).
 */
export function overLimit(
  field: LimitedField,
  size: number,
  options: { sensitive?: boolean; what?: string } = {},
): string | undefined {
  const what = options.what ?? field;
  switch (field) {
    case 'params': {
      const max = options.sensitive ? JOB_LIMITS.sensitiveParamBytes : JOB_LIMITS.paramBytes;
      if (size <= max) return undefined;
      return options.sensitive
        ? `${what} are ${num(size)} bytes; JOB takes at most ${num(max)} bytes of sensitive params (before base64)`
        : `${what} are ${num(size)} bytes; JOB takes at most ${num(max)} bytes of params (before base64; ${num(JOB_LIMITS.sensitiveParamBytes)} when sensitive)`;
    }
    case 'script':
      if (size <= JOB_LIMITS.scriptBytes) return undefined;
      return `${what} is ${num(size)} bytes; JOB takes at most ${num(JOB_LIMITS.scriptBytes)} bytes (16 MiB) of script (before base64)`;
    case 'task_name':
      if (size <= JOB_LIMITS.taskNameChars) return undefined;
      return `${what} is ${num(size)} characters; JOB takes at most ${num(JOB_LIMITS.taskNameChars)}`;
    case 'callback_url':
      if (size <= JOB_LIMITS.callbackUrlChars) return undefined;
      return `${what} is ${num(size)} characters; JOB takes at most ${num(JOB_LIMITS.callbackUrlChars)}`;
    case 'targets':
      if (size <= JOB_LIMITS.targets) return undefined;
      return `${what} has ${num(size)} target hosts once groups are expanded and duplicates removed; JOB takes at most ${num(JOB_LIMITS.targets)} in one step (custom queries aside): split them over several steps`;
  }
}
