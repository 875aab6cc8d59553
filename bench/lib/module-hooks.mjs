// Loader hooks (node:module register): report every module loaded, with its size, on the port.
let port;
export function initialize(data) {
  port = data.port;
}
export async function load(url, context, next) {
  const r = await next(url, context);
  const size = r.source ? r.source.length : 0;
  port.postMessage({ url, size });
  return r;
}
