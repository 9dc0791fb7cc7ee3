// api: the one way the pages talk to the server. Same origin only, the session cookie goes
// along, and every state-changing request carries X-CSRF-Token from the ctis_csrf cookie.
// Errors arrive as {"error":{"code","message","field"}} and are thrown as ApiError.

const TIMEOUT_MS = 30000; // field offices: slow links, but do not hang forever

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code);
    this.status = status;
    this.code = code || 'generic';
    this.field = field || '';
  }
}

export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return '';
}

// request('POST', '/api/v1/users', body, { ifMatch: 3 }) -> { status, data, etag }.
// A 401 outside the login calls fires 'ctis:unauthenticated' so the app can show the login.
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = cookie('ctis_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (opts.ifMatch !== undefined && opts.ifMatch !== null) headers['If-Match'] = `"${opts.ifMatch}"`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      signal: ctl.signal,
    });
  } catch (e) {
    throw new ApiError(0, e.name === 'AbortError' ? 'timeout' : 'network', '');
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json') && res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(res.status, err.code || codeForStatus(res.status), err.message, err.field);
    if (res.status === 401 && e.code === 'unauthenticated' && !opts.quiet401) {
      window.dispatchEvent(new CustomEvent('ctis:unauthenticated'));
    }
    if (res.status === 403 && (e.code === 'password_change_required' || e.code === 'mfa_required')) {
      window.dispatchEvent(new CustomEvent('ctis:pending', { detail: e.code }));
    }
    throw e;
  }
  return { status: res.status, data, etag: parseEtag(res.headers.get('ETag')) };
}

function codeForStatus(status) {
  const map = {
    400: 'invalid', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict',
    412: 'precondition_failed', 413: 'too_large', 429: 'throttled', 503: 'unavailable',
  };
  return map[status] || (status >= 500 ? 'internal' : 'generic');
}

// ETag "3", W/"3" or 3 -> 3; null when absent.
function parseEtag(v) {
  if (!v) return null;
  const m = /(\d+)/.exec(v);
  return m ? Number(m[1]) : null;
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts).then((r) => r.data),
  getWithVersion: async (path) => {
    const r = await request('GET', path);
    const version = r.etag ?? (r.data ? r.data.version : null);
    return { data: r.data, version };
  },
  post: (path, body = {}, opts) => request('POST', path, body, opts).then((r) => r.data),
  patch: (path, body, version) => request('PATCH', path, body, { ifMatch: version }).then((r) => r.data),
  put: (path, body, version) => request('PUT', path, body, { ifMatch: version }).then((r) => r.data),
  del: (path) => request('DELETE', path).then((r) => r.data),
};

// A query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
