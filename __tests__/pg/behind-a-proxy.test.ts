/** @jest-environment node */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  getPage,
  hiddenFields,
  newBrowser,
  postForm,
  SESSION_COOKIE,
  type Answer,
  type Browser,
} from "../kit/forms";
import { freePort, root, type AppServer } from "../kit/next-server";
import { startAppOnPostgres } from "../kit/pg-app";
import { createEnrolledUser, currentCode } from "../kit/users";

// Runs only under `npm run test:pg`: a reverse proxy from Debian (nginx,
// Caddy), started by the test as a process of its own, in front of two
// `next start` instances on one PostgreSQL database, round-robin, no sticky
// sessions, on a port other than 80, with README.md's block for it (so the
// README shows what ran here) and an answer header naming the instance that
// served each request.
type Proxy = {
  name: string;
  binary?: string;
  install: string;
  /** The language of README.md's block for it, and what the test changes in it besides the upstreams. */
  readme: string;
  edits(port: number): [string | RegExp, string][];
  /** The config file's text around the edited block. */
  wrap(block: string, prefix: string): string;
  args(prefix: string, config: string): string[];
};

// Debian's package, and where it may put the binary.
const fromDebian = (name: string, ...files: string[]) => ({
  binary: files.find((file) => fs.existsSync(file)),
  install: `apt-get install ${name}`,
});

function readmeBlock(language: string): string {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const block = new RegExp("```" + language + "\n([\\s\\S]*?)```").exec(readme)?.[1];
  if (!block) throw new Error(`README.md has no ${language} block`);
  return block;
}

function withPorts(block: string, upstreams: number[], replacements: [string | RegExp, string][]): string {
  let text = block
    .replace("127.0.0.1:3000", `127.0.0.1:${upstreams[0]}`)
    .replace("127.0.0.1:3001", `127.0.0.1:${upstreams[1]}`);
  for (const [from, to] of replacements) text = text.replace(from, to);
  if (
    !text.includes(String(upstreams[0])) ||
    !text.includes(String(upstreams[1])) ||
    replacements.some(([, to]) => !text.includes(to))
  ) {
    throw new Error("README.md's proxy block no longer has the lines this test replaces");
  }
  return text;
}

const NGINX: Proxy = {
  name: "nginx with `proxy_set_header Host $host`",
  ...fromDebian("nginx-light", "/usr/sbin/nginx", "/usr/bin/nginx"),
  readme: "nginx",
  edits: (port) => [
    [/listen \d+;/, `listen 127.0.0.1:${port};`],
    ["location / {", "location / {\n        add_header X-Upstream $upstream_addr always;"],
  ],
  wrap(block, prefix) {
    // Every file nginx writes stays in `prefix`.
    const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map((kind) => `    ${kind}_temp_path ${path.join(prefix, kind)};`)
      .join("\n");
    return `worker_processes 1;\npid ${path.join(prefix, "nginx.pid")};\nevents { worker_connections 256; }\nhttp {\n    access_log off;\n${temp}\n${block}\n}\n`;
  },
  args: (prefix, config) => ["-p", prefix, "-c", config, "-e", "stderr", "-g", "daemon off;"],
};

const CADDY: Proxy = {
  name: "Caddy",
  ...fromDebian("caddy", "/usr/bin/caddy", "/usr/local/bin/caddy"),
  readme: "caddyfile",
  edits: (port) => [
    ["your.host {", `http://127.0.0.1:${port} {`],
    [
      "lb_policy round_robin",
      "lb_policy round_robin\n        header_down X-Upstream {http.reverse_proxy.upstream.hostport}",
    ],
  ],
  // No admin endpoint: it would listen on a fixed port.
  wrap(block) {
    return `{\n    admin off\n}\n\n${block}`;
  },
  args: (_prefix, config) => ["run", "--config", config, "--adapter", "caddyfile"],
};

type Running = { origin: string; instances: AppServer[]; stop(): Promise<void> };

async function startBehind(proxy: Proxy): Promise<Running> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const instances = await Promise.all([
    startAppOnPostgres(process.env.DATABASE_URL, { appUrl: origin }),
    startAppOnPostgres(process.env.DATABASE_URL, { appUrl: origin }),
  ]);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-test-"));
  const config = path.join(prefix, "proxy.conf");
  const upstreams = instances.map((instance) => instance.port);
  const block = withPorts(readmeBlock(proxy.readme), upstreams, proxy.edits(port));
  fs.writeFileSync(config, proxy.wrap(block, prefix));
  const child: ChildProcess = spawn(proxy.binary as string, proxy.args(prefix, config), {
    // Caddy keeps its state under HOME / XDG folders.
    env: { ...process.env, HOME: prefix, XDG_DATA_HOME: prefix, XDG_CONFIG_HOME: prefix },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await Promise.all(instances.map((instance) => instance.stop()));
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if (child.exitCode !== null) throw new Error(`${proxy.name} exited with ${child.exitCode}:\n${output}`);
      if ((await fetch(`${origin}/login`)).headers.has("x-upstream")) return { origin, instances, stop };
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw error instanceof Error && child.exitCode !== null
          ? error
          : new Error(`${proxy.name} did not answer:\n${output}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each([NGINX, CADDY])("behind $name on a non-default port", (proxy) => {
  if (!proxy.binary) {
    it.skip(`(skipped: ${proxy.name} is not installed here; .ci/run installs it with ${proxy.install})`, () => {});
    return;
  }
  let running: Running;
  let origin = "";
  let instances: AppServer[] = [];
  beforeAll(async () => {
    running = await startBehind(proxy);
    ({ origin, instances } = running);
  }, 600_000);
  afterAll(() => running?.stop(), 60_000);

  const served: string[] = [];
  const track = (answer: Answer): Answer => {
    served.push(answer.headers.get("x-upstream") ?? "none");
    return answer;
  };
  const get = async (browser: Browser, target: string) => track(await getPage(browser, target));
  const post = async (browser: Browser, target: string, marker: string, values: Record<string, string>) => {
    const page = await get(browser, target);
    expect(page.status).toBe(200);
    return track(await postForm(browser, target, hiddenFields(page.html, marker), values));
  };

  it("signs in with password and code through the proxy, each request on the other instance", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser(origin, "203.0.113.77");
    const signedOut = await get(browser, "/dashboard");
    expect(signedOut.status).toBe(307);
    expect(signedOut.location).toMatch(/^\/login\?callbackUrl=%2Fdashboard$/);

    const login = await post(browser, "/login", 'name="identifier"', {
      identifier: user.username,
      password: user.password,
    });
    expect(login.status).toBe(303);
    expect(login.location).toMatch(/^\/login\/verify\b/);
    const verify = await post(browser, login.location as string, 'name="code"', {
      code: await currentCode(user.secret),
    });
    expect(verify.status).toBe(303);
    expect(verify.location).toMatch(/^\/dashboard\b/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    const dashboard = await get(browser, "/dashboard");
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain(user.username);
    const signOut = await post(browser, "/dashboard", ">Sign out<", {});
    expect(signOut.status).toBe(303);
    expect(signOut.location).toMatch(/^\/(?![/\\])/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);

    const ports = instances.map((instance) => `127.0.0.1:${instance.port}`);
    expect(served.every((upstream) => ports.includes(upstream))).toBe(true);
    for (let index = 1; index < served.length; index++) expect(served[index]).not.toBe(served[index - 1]);
    for (const instance of instances) expect(instance.output()).not.toContain("Aborting the action");
  }, 60_000);

  it("refuses a cross-site form post through the proxy with a 403", async () => {
    const answer = await fetch(`${origin}/login`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "multipart/form-data; boundary=x" },
      body: "--x--\r\n",
      redirect: "manual",
    });
    expect(answer.status).toBe(403);
  }, 60_000);
});
