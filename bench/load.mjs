// Load over HTTP with autocannon. Every run is bounded by time and by count;
// latencies are kept per response (float ms) rather than autocannon's
// whole-millisecond histogram, which is too coarse for a 1.05x goal.
import autocannon from "autocannon";
import { MULTIPART_TYPE, multipartBody } from "./forms.mjs";

// Clients get distinct addresses (10.x.y.z, a header value only: all traffic
// goes to 127.0.0.1), so the per-IP limit never throttles the bench.
let clientCounter = 0;
export function nextClientIp() {
  clientCounter += 1;
  return `10.${(clientCounter >> 16) & 255}.${(clientCounter >> 8) & 255}.${clientCounter & 255}`;
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const median = (values) => percentile(values, 50);

// Runs one load. `request.check(status, headers, body)` returns null for a
// success or a short reason for a failure; only successes count.
export function drive(origin, { connections, seconds, maxRequests, overallRate, request }) {
  const latencies = [];
  const failures = new Map();
  let outcome = null;
  const { check, sent: _sent, ...rest } = request;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration: seconds,
        maxOverallRequests: maxRequests,
        overallRate,
        timeout: 30,
        requests: [
          {
            ...rest,
            onResponse(status, body, _context, headers) {
              const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
              outcome = check(status, lower, body);
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        if (result.errors > 0) failures.set("connection errors", result.errors);
        if (result.timeouts > 0) failures.set("timeouts", result.timeouts);
        resolve({ latencies, successes: latencies.length, failures, elapsedS: result.duration });
      },
    );
    // autocannon calls onResponse, then emits "response", for the same answer.
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      if (outcome === null) latencies.push(responseTime);
      else failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
    });
  });
}

export const ratePerSecond = (run) => run.successes / run.elapsedS;

export function pageRequest(path, { cookie, expect } = {}) {
  return {
    method: "GET",
    path,
    headers: cookie ? { cookie } : {},
    check(status, _headers, body) {
      if (status !== 200) return `GET ${path}: ${status}`;
      return expect && !body.includes(expect) ? `GET ${path}: no "${expect}"` : null;
    },
  };
}

function signInFailure(status, headers, body) {
  if (status === 303) return `303 to ${headers.location}`;
  const message = /Invalid username or password|Too many attempts[^<]*/.exec(body ?? "");
  return `${status}${message ? `: ${message[0]}` : ""}`;
}

// The password step as a no-JS browser posts it: the login form's hidden
// action fields plus credentials, from a new client address each time.
// Success is Next's 303 to /login/verify.
export function signInRequest(actionFields, { origin, pickUsername, password }) {
  let sent = 0;
  return {
    method: "POST",
    path: "/login",
    // How many requests were built: single-use (bcrypt) users are consumed by these.
    get sent() {
      return sent;
    },
    setupRequest(request) {
      const identifier = pickUsername(sent++);
      return {
        ...request,
        headers: { origin, "content-type": MULTIPART_TYPE, "x-forwarded-for": nextClientIp() },
        body: multipartBody([...actionFields, ["identifier", identifier], ["password", password]]),
      };
    },
    check(status, headers, body) {
      const ok = status === 303 && headers.location?.startsWith("/login/verify");
      return ok ? null : signInFailure(status, headers, body);
    },
  };
}

export function describeFailures(failures) {
  return [...failures].map(([reason, count]) => `${count} x ${reason}`).join(", ");
}
