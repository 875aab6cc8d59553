import { describe, expect, it } from 'vitest';
import { chooseTransport, type TransportInput } from './transport.js';

const choose = (input: Partial<TransportInput>) => chooseTransport({ local: false, env: {}, ...input });
const refusal = (input: Partial<TransportInput>) => {
  try {
    choose(input);
  } catch (err) {
    const e = err as { code?: string; message: string; exitCode: number };
    return { code: e.code, message: e.message, exitCode: e.exitCode };
  }
  throw new Error('not refused');
};

const ESB = 'https://paas.example.com';
const GW = 'https://bkapi.example.com/api/bk-job/prod';

describe('chooseTransport', () => {
  it('takes the transport from the URL: --esb-url / BK_ESB_URL is v2, --apigw-url / BK_APIGW_URL is v3', () => {
    expect(choose({ esbUrl: ESB })).toEqual({ transport: 'v2', url: ESB, from: '--esb-url' });
    expect(choose({ apigwUrl: GW })).toEqual({ transport: 'v3', url: GW, from: '--apigw-url' });
    expect(choose({ env: { BK_ESB_URL: ESB } })).toEqual({ transport: 'v2', url: ESB, from: 'BK_ESB_URL' });
    expect(choose({ env: { BK_APIGW_URL: ` ${GW} ` } })).toEqual({
      transport: 'v3',
      url: GW,
      from: 'BK_APIGW_URL',
    });
    expect(choose({ env: { bk_apigw_url: GW } })).toMatchObject({ transport: 'v3', url: GW });
  });

  it('lets an option win over the environment, and a blank variable count as unset', () => {
    expect(choose({ esbUrl: ESB, env: { BK_APIGW_URL: GW } })).toMatchObject({ transport: 'v2', url: ESB });
    expect(choose({ apigwUrl: GW, env: { BK_ESB_URL: ESB, BK_APIGW_URL: GW } })).toMatchObject({
      transport: 'v3',
    });
    expect(choose({ env: { BK_ESB_URL: ' ', BK_APIGW_URL: GW } })).toMatchObject({ transport: 'v3' });
  });

  it('refuses two URLs with exit 2, naming both', () => {
    const flags = refusal({ esbUrl: ESB, apigwUrl: GW });
    expect(flags).toMatchObject({ code: 'RUNNER_TRANSPORT', exitCode: 2 });
    expect(flags.message).toMatch(/^--esb-url and --apigw-url are both given/);
    const env = refusal({ env: { BK_ESB_URL: ESB, BK_APIGW_URL: GW } });
    expect(env).toMatchObject({ code: 'RUNNER_TRANSPORT', exitCode: 2 });
    expect(env.message).toMatch(/^BK_ESB_URL and BK_APIGW_URL are both given/);
    // Two flags are refused with --local too, where neither is used.
    expect(refusal({ local: true, esbUrl: ESB, apigwUrl: GW }).exitCode).toBe(2);
  });

  it('--local runs the emulator over --transport, v2 by default, whatever the environment says', () => {
    expect(choose({ local: true, env: { BK_APIGW_URL: GW } })).toEqual({ transport: 'v2' });
    expect(choose({ local: true, transport: 'v3', env: { BK_ESB_URL: ESB } })).toEqual({ transport: 'v3' });
    expect(choose({ local: true, env: { BK_ESB_URL: ESB, BK_APIGW_URL: GW } })).toEqual({ transport: 'v2' });
  });

  it('refuses a --transport that is not v2 or v3, or that does not fit the URL against a server', () => {
    expect(refusal({ transport: 'v4' })).toMatchObject({
      exitCode: 2,
      message: '--transport v4: give v2 (ESB, the default) or v3 (the API gateway)',
    });
    expect(refusal({ transport: 'v3', esbUrl: ESB })).toMatchObject({
      code: 'RUNNER_TRANSPORT',
      exitCode: 2,
      message: '--transport v3 does not fit --esb-url, which is the URL of ESB v2',
    });
    expect(choose({ transport: 'v3', apigwUrl: GW })).toMatchObject({ transport: 'v3', url: GW });
    expect(choose({ transport: 'v3' })).toEqual({ transport: 'v3' });
  });

  it('for plan, --transport alone decides: it sends nothing', () => {
    expect(choose({ planOnly: true, transport: 'v3', env: { BK_ESB_URL: ESB } })).toEqual({
      transport: 'v3',
    });
    expect(choose({ planOnly: true, env: { BK_APIGW_URL: GW } })).toMatchObject({ transport: 'v3' });
    expect(refusal({ planOnly: true, env: { BK_ESB_URL: ESB, BK_APIGW_URL: GW } }).exitCode).toBe(2);
  });
});
